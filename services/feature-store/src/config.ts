import { z } from 'zod';
import { jwtVerifierEnv, loadServiceConfig } from '@platform/service-kit';

const topicName = z.string().regex(/^[A-Za-z0-9._-]+$/);

export const featureStoreConfigSchema = z.object({
  REDIS_URL: z.string().min(1),
  KAFKA_BROKERS: z.string().min(1),
  /** interaction topics are `<prefix>.click|view|cart|purchase`; tests and benchmarks use a prefix of their own */
  EVENTS_TOPIC_PREFIX: topicName.default('events'),
  ORDERS_TOPIC: topicName.default('orders'),
  PRODUCTS_TOPIC: topicName.default('products'),
  FEATURE_CONSUMER_GROUP: z.string().min(1).default('feature-store-service'),
  /** every Redis key of the service starts with it: `<prefix>user:{id}`, `<prefix>dedup:{eventId}`, `<prefix>product-category` */
  FEATURE_KEY_PREFIX: z.string().min(1).default('feature:'),
  /** a user's key expires this many days after its last write */
  FEATURE_USER_TTL_DAYS: z.coerce.number().int().positive().default(90),
  /** how long an applied eventId is remembered; at least the topics' retention (7 days) */
  FEATURE_DEDUP_TTL_DAYS: z.coerce.number().int().positive().default(8),
  /** the largest batch applied in one Redis pipeline */
  FEATURE_BATCH_SIZE: z.coerce.number().int().positive().default(500),
  FEATURE_PARTITIONS_CONCURRENTLY: z.coerce.number().int().positive().default(2),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
  ...jwtVerifierEnv,
});

export type FeatureStoreConfig = ReturnType<typeof loadFeatureStoreConfig>;

/** The service's settings; PORT defaults to 3005. */
export function loadFeatureStoreConfig(env: Record<string, string | undefined> = process.env) {
  return loadServiceConfig(featureStoreConfigSchema, {
    SERVICE_NAME: 'feature-store-service',
    PORT: '3005',
    ...env,
  });
}
