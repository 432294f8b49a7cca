import { createKafka, createService, Service } from '@platform/service-kit';
import { DataLakeSinkConfig } from './config';
import { ParquetWriter } from './parquet';
import { EVENT_TYPES } from './schema';
import { LakeSink, LakeSinkOptions } from './sink/LakeSink';
import { AzureLakeStore } from './stores/azureStore';
import { S3LakeStore } from './stores/s3Store';

export interface DataLakeSinkService {
  service: Service<DataLakeSinkConfig>;
  sink: LakeSink;
  s3: S3LakeStore;
  azure: AzureLakeStore;
}

export const eventTopics = (prefix: string) => EVENT_TYPES.map(type => `${prefix}.${type}`);

/**
 * The sink as a kit service: /metrics, /healthz and /readyz on PORT; SIGTERM stores what is buffered, commits,
 * and leaves the group. Call `sink.start()` after building it.
 */
export async function createDataLakeSinkService(
  config: DataLakeSinkConfig,
  hooks: Pick<LakeSinkOptions, 'beforeCommit'> = {},
): Promise<DataLakeSinkService> {
  const s3 = new S3LakeStore({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    bucket: config.LAKE_S3_BUCKET,
  });
  const azure = new AzureLakeStore({
    connectionString: config.AZURE_STORAGE_CONNECTION_STRING,
    container: config.LAKE_AZURE_CONTAINER,
  });
  const writer = await ParquetWriter.create();
  let sink: LakeSink | undefined;
  const service = createService({
    name: 'data-lake-sink',
    config,
    readiness: { s3: () => s3.list('events/none/'), azure: () => azure.list('events/none/') },
    routes(_router, { logger, metrics, onShutdown }) {
      onShutdown(async () => {
        await s3.close();
        await azure.close();
        await writer.close();
      });
      sink = new LakeSink({
        kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'data-lake-sink', logger }),
        groupId: config.LAKE_CONSUMER_GROUP,
        topics: eventTopics(config.EVENTS_TOPIC_PREFIX),
        topicPartitions: config.EVENTS_TOPIC_PARTITIONS,
        stores: [s3, azure],
        writer,
        rolling: {
          maxRows: config.LAKE_FILE_MAX_ROWS,
          maxBytes: config.LAKE_FILE_MAX_BYTES,
          hourGraceMs: config.LAKE_HOUR_GRACE_MS,
          maxOpenMs: config.LAKE_FILE_MAX_OPEN_MS,
        },
        checkIntervalMs: config.LAKE_CHECK_INTERVAL_MS,
        backoff: { initialMs: config.LAKE_RETRY_INITIAL_MS, maxMs: config.LAKE_RETRY_MAX_MS },
        partitionsConsumedConcurrently: config.LAKE_PARTITIONS_CONCURRENTLY,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        registry: metrics.registry,
        logger,
        beforeCommit: hooks.beforeCommit,
      });
      const started = sink;
      // registered last, so it runs first: the consumer drains before the stores and the writer close
      onShutdown(() => started.stop());
    },
  });
  return { service, sink: sink!, s3, azure };
}
