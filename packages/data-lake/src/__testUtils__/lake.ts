import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadInfraEnv } from '@platform/local-infra';
import { createKafka, ensureTopics } from '@platform/service-kit';
import { eventTopics } from '../app';
import { loadDataLakeSinkConfig } from '../config';
import { EventType, TrackedEvent } from '../schema';
import { AzureLakeStore } from '../stores/azureStore';
import { S3LakeStore } from '../stores/s3Store';
import { LakeStore } from '../stores/types';
import { eventually as kitEventually, freePort } from '@platform/service-kit/testing';

export const infra = loadInfraEnv();

/** Polls a condition (not a fixed sleep): resolves as soon as it holds, fails after the timeout. */
/** The lake's waits are longer than the kit's default: a flush waits for the sink's interval. */
export const eventually = <T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000) =>
  kitEventually(check, timeoutMs, 'the lake');

/** An address where nothing listens, freshly probed. */
export const closedPort = freePort;

/** Topics, group, bucket and container of one test; `cleanup()` removes them all. */
export async function testLake(numPartitions = 1) {
  const run = `lake-test-${randomBytes(5).toString('hex')}`;
  const kafka = createKafka({ brokers: infra.KAFKA_BROKERS, clientId: run });
  const topics = eventTopics(run);
  await ensureTopics(kafka, topics.flatMap(topic => [{ topic, numPartitions }, { topic: `${topic}.dlq`, numPartitions: 1 }]));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const env: Record<string, string> = {
    ...infra,
    LOG_LEVEL: 'error',
    PORT: '0',
    EVENTS_TOPIC_PREFIX: run,
    LAKE_CONSUMER_GROUP: run,
    LAKE_S3_BUCKET: run,
    LAKE_AZURE_CONTAINER: run,
    LAKE_HOUR_GRACE_MS: '300',
    LAKE_CHECK_INTERVAL_MS: '100',
    LAKE_RETRY_INITIAL_MS: '100',
    LAKE_RETRY_MAX_MS: '500',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  };
  const s3 = new S3Client({
    endpoint: infra.S3_ENDPOINT,
    region: infra.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: infra.S3_ACCESS_KEY_ID, secretAccessKey: infra.S3_SECRET_ACCESS_KEY },
  });
  const azure = BlobServiceClient.fromConnectionString(infra.AZURE_STORAGE_CONNECTION_STRING).getContainerClient(run);

  return {
    run,
    kafka,
    topics,
    env,
    config: (extra: Record<string, string> = {}) => loadDataLakeSinkConfig({ ...env, ...extra }),
    /** the test's bucket and container, read directly */
    stores() {
      return {
        s3: new S3LakeStore({
          endpoint: infra.S3_ENDPOINT,
          region: infra.S3_REGION,
          accessKeyId: infra.S3_ACCESS_KEY_ID,
          secretAccessKey: infra.S3_SECRET_ACCESS_KEY,
          forcePathStyle: true,
          bucket: run,
        }),
        azure: new AzureLakeStore({ connectionString: infra.AZURE_STORAGE_CONNECTION_STRING, container: run }),
      };
    },
    async produce(events: TrackedEvent[]) {
      await producer.send({
        topic: `${run}.${events[0].type}`,
        acks: -1,
        messages: events.map(event => ({ key: event.sessionId, value: JSON.stringify(event) })),
      });
    },
    async committed(type: EventType): Promise<string[]> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [{ partitions }] = await admin.fetchOffsets({ groupId: run, topics: [`${run}.${type}`] });
        return partitions.sort((a, b) => a.partition - b.partition).map(p => p.offset);
      } finally {
        await admin.disconnect();
      }
    },
    async cleanup() {
      await producer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteGroups([run]).catch(() => undefined);
        await admin.deleteTopics({ topics: topics.flatMap(topic => [topic, `${topic}.dlq`]) }).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: run })).catch(() => undefined);
      const keys = (listed?.Contents ?? []).map(object => ({ Key: object.Key! }));
      if (keys.length) await s3.send(new DeleteObjectsCommand({ Bucket: run, Delete: { Objects: keys } }));
      await s3.send(new DeleteBucketCommand({ Bucket: run })).catch(() => undefined);
      s3.destroy();
      await azure.deleteIfExists();
    },
  };
}

export type TestLake = Awaited<ReturnType<typeof testLake>>;

let sequence = 0;
export function trackedEvent(type: EventType, ts: string, extra: Partial<TrackedEvent> = {}): TrackedEvent {
  sequence += 1;
  return {
    eventId: randomUUID(),
    userId: sequence % 2 ? randomUUID() : null,
    sessionId: `session-${sequence}`,
    type,
    ...(type === 'cart' || type === 'purchase' ? { productId: `p-${sequence}` } : {}),
    ts,
    meta: { n: sequence },
    receivedAt: new Date().toISOString(),
    ...extra,
  };
}

export interface LakeContents {
  keys: string[];
  rows: Array<Record<string, unknown>>;
}

/** Downloads every object of a store and reads them with DuckDB, hive partitions included. */
export async function readLake(store: LakeStore): Promise<LakeContents> {
  const keys = (await store.list('events/')).sort();
  if (!keys.length) return { keys, rows: [] };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lake-read-'));
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    for (const key of keys) {
      await fs.mkdir(path.dirname(path.join(dir, key)), { recursive: true });
      await fs.writeFile(path.join(dir, key), await store.get(key));
    }
    const result = await connection.runAndReadAll(
      `SELECT *, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') AS ts_utc, filename
       FROM read_parquet('${dir}/events/*/*/*/*.parquet', hive_partitioning = true, filename = true)
       ORDER BY kafka_topic, kafka_partition, kafka_offset`,
    );
    const rows = result.getRowObjectsJson().map(row => ({
      ...row,
      filename: path.relative(dir, String(row.filename)),
    }));
    return { keys, rows };
  } finally {
    connection.closeSync();
    db.closeSync();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** How often each event id appears across all files. */
export function countsByEventId(contents: LakeContents): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of contents.rows) counts.set(String(row.event_id), (counts.get(String(row.event_id)) ?? 0) + 1);
  return counts;
}
