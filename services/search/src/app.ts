import { Partitioners } from 'kafkajs';
import { z } from 'zod';
import {
  createKafka,
  createPool,
  createService,
  databaseUrl,
  ensureDatabase,
  ensureTopics,
  loadServiceConfig,
} from '@platform/service-kit';
import { PostgresSearchIndex } from './index/PostgresSearchIndex';
import type { SearchIndex } from './index/SearchIndex';
import { ProductEventConsumer } from './sync/ProductEventConsumer';
import { Counter } from 'prom-client';
import { searchRoutes } from './http/routes';

export const searchConfigSchema = z.object({
  DATABASE_URL: z.string().min(1),
  SEARCH_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('search'),
  KAFKA_BROKERS: z.string().min(1),
  PRODUCTS_TOPIC: z.string().min(1).default('products'),
  /** Defaults to `<PRODUCTS_TOPIC>.dlq`. */
  PRODUCTS_DLQ_TOPIC: z.string().min(1).optional(),
  SEARCH_CONSUMER_GROUP: z.string().min(1).default('search-service'),
  /** Serve queries without consuming (e.g. a read replica); the index is then fed by another instance. */
  SEARCH_SYNC_ENABLED: z.enum(['true', 'false']).default('true'),
});

export function loadSearchConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadServiceConfig(searchConfigSchema, {
    SERVICE_NAME: 'search-service',
    PORT: '3009',
    ...env,
  });
}

export type SearchServiceConfig = ReturnType<typeof loadSearchConfig>;

/** Builds the search service (HTTP API, PostgreSQL index, `products` consumer) without starting it. */
export async function createSearchService(config: SearchServiceConfig) {
  await ensureDatabase(config.DATABASE_URL, config.SEARCH_DATABASE);
  // an idle connection dropped by the server is replaced on next use; it is logged once the service's logger exists
  let onIdleError: (error: Error) => void = () => undefined;
  const pool = createPool(databaseUrl(config.DATABASE_URL, config.SEARCH_DATABASE), {
    max: 10,
    onIdleError: error => onIdleError(error),
  });
  const index: SearchIndex = new PostgresSearchIndex(pool);
  await index.init();

  const service = createService({
    name: 'search-service',
    version: '0.1.0',
    contract: 'search-api',
    config,
    readiness: { postgres: () => index.ping() },
    routes: router => searchRoutes(router, index),
  });
  onIdleError = error => service.logger.warn({ err: error }, 'idle PostgreSQL connection lost');

  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'search-service',
    logger: service.logger,
  });
  const dlqTopic = config.PRODUCTS_DLQ_TOPIC ?? `${config.PRODUCTS_TOPIC}.dlq`;
  const syncRecords = new Counter({
    name: 'search_sync_records_total',
    help: 'Product events consumed, by result: indexed, stale (older than the index) or dead-lettered',
    labelNames: ['result'],
    registers: [service.metrics.registry],
  });
  const sync =
    config.SEARCH_SYNC_ENABLED === 'true'
      ? new ProductEventConsumer({
          consumer: kafka.consumer({ groupId: config.SEARCH_CONSUMER_GROUP }),
          dlqProducer: kafka.producer({
            idempotent: true,
            maxInFlightRequests: 1,
            createPartitioner: Partitioners.DefaultPartitioner,
          }),
          index,
          topic: config.PRODUCTS_TOPIC,
          dlqTopic,
          consumerGroup: config.SEARCH_CONSUMER_GROUP,
          logger: service.logger,
          onRecord: result => syncRecords.inc({ result }),
        })
      : undefined;

  service.onShutdown(async () => {
    await sync?.stop();
    await index.close();
  });

  return {
    service,
    index,
    /** Background work next to HTTP: the `products` consumer (its topics are created when missing). */
    async startWorkers() {
      if (!sync) return;
      await ensureTopics(kafka, [
        { topic: config.PRODUCTS_TOPIC, numPartitions: 3 },
        { topic: dlqTopic, numPartitions: 1 },
      ]);
      await sync.start();
    },
    async start() {
      const address = await service.start();
      await this.startWorkers();
      return address;
    },
    stop: () => service.stop(),
  };
}
