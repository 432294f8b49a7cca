import { Redis } from 'ioredis';
import {
  createJwtVerifierFromEnv,
  createKafka,
  createService,
  ensureTopics,
  requireAuth,
  type Service,
} from '@platform/service-kit';
import type { FeatureStoreConfig } from './config';
import { FeatureConsumer, interactionTopics } from './features/FeatureConsumer';
import { FeatureStore } from './features/FeatureStore';
import { featureMetrics } from './features/metrics';
import { featureRoutes } from './http/routes';

const DAY_S = 86_400;

export interface FeatureStoreService {
  service: Service<FeatureStoreConfig>;
  store: FeatureStore;
  consumer: FeatureConsumer;
  /** creates missing source topics and starts the consumer (readiness reports it until it joined) */
  startConsumer(): Promise<void>;
  /** HTTP on PORT, then the consumer */
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

/** Builds the feature store (HTTP API, Redis, the streaming consumer) without starting it. */
export async function createFeatureStoreService(config: FeatureStoreConfig): Promise<FeatureStoreService> {
  const verifier = await createJwtVerifierFromEnv(config);
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    // a request fails fast (503) while Redis is down instead of queueing
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
  });
  let consumer: FeatureConsumer | undefined;
  let store: FeatureStore | undefined;
  const service = createService({
    name: 'feature-store-service',
    version: '0.1.0',
    contract: 'feature-store-api',
    config,
    readiness: {
      redis: () => redis.ping(),
      kafka: async () => consumer!.check(),
    },
    routes(router, { logger, metrics: serviceMetrics, onShutdown }) {
      onShutdown(() => redis.quit().then(() => undefined, () => redis.disconnect()));
      const metrics = featureMetrics(serviceMetrics.registry);
      store = new FeatureStore({
        redis,
        keyPrefix: config.FEATURE_KEY_PREFIX,
        userTtlSeconds: config.FEATURE_USER_TTL_DAYS * DAY_S,
        dedupTtlSeconds: config.FEATURE_DEDUP_TTL_DAYS * DAY_S,
      });
      consumer = new FeatureConsumer({
        kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'feature-store-service', logger }),
        groupId: config.FEATURE_CONSUMER_GROUP,
        topics: { eventsPrefix: config.EVENTS_TOPIC_PREFIX, orders: config.ORDERS_TOPIC, products: config.PRODUCTS_TOPIC },
        store,
        metrics,
        registry: serviceMetrics.registry,
        logger,
        batchSize: config.FEATURE_BATCH_SIZE,
        partitionsConsumedConcurrently: config.FEATURE_PARTITIONS_CONCURRENTLY,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        // registered after Redis, so it runs first: the batch in flight finishes before Redis closes
        onShutdown,
      });
      featureRoutes(router, { store, metrics, authorize: requireAuth(verifier, { roles: ['service', 'admin'] }) });
    },
  });

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'feature-store-admin', logger: service.logger });
  const startConsumer = async () => {
    await redis.connect().catch(error => service.logger.warn({ err: error }, 'Redis not reachable at start'));
    // the owners create these topics too; creating missing ones lets the consumer start first
    await ensureTopics(kafka, [
      ...interactionTopics(config.EVENTS_TOPIC_PREFIX).map(topic => ({ topic, numPartitions: 6 })),
      { topic: config.ORDERS_TOPIC, numPartitions: 3 },
      { topic: config.PRODUCTS_TOPIC, numPartitions: 3 },
    ]);
    await consumer!.start();
  };

  return {
    service,
    store: store!,
    consumer: consumer!,
    startConsumer,
    async start() {
      const address = await service.start();
      await startConsumer();
      return address;
    },
    stop: () => service.stop(),
  };
}
