import path from 'node:path';
import { z } from 'zod';
import { jwtVerifierEnv, loadServiceConfig } from '@platform/service-kit';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
// The service runs from source in the checkout (tsx, Jest); a deployment sets the paths below explicitly.
// eslint-disable-next-line no-restricted-syntax
const repoRoot = path.resolve(__dirname, '../../..');

export const analyticsConfigSchema = z.object({
  DATABASE_URL: z.string().min(1),
  ANALYTICS_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('analytics'),
  DB_POOL_MAX: positiveInt(5),

  KAFKA_BROKERS: z.string().min(1),
  /** The interaction topics the job reads (comma-separated). */
  EVENT_TOPICS: z.string().min(1).default('events.click,events.view,events.cart,events.purchase'),
  ORDERS_TOPIC: z.string().min(1).default('orders'),
  /** Where the job writes each closed window (exactly once, in Kafka transactions). */
  ANALYTICS_RESULTS_TOPIC: z.string().min(1).default('analytics-results'),
  /** The Flink job's consumer group (offsets committed on each checkpoint) and its transactional id prefix. */
  FLINK_GROUP_ID: z.string().min(1).default('analytics-service'),
  /** The group of this service's projection of analytics-results into PostgreSQL. */
  RESULTS_CONSUMER_GROUP: z.string().min(1).default('analytics-service-results'),
  KAFKA_SESSION_TIMEOUT_MS: positiveInt(30_000),
  /** Where the job starts on topics its group has no offsets for: latest (a first deployment) or earliest. */
  ANALYTICS_START_FROM: z.enum(['latest', 'earliest']).default('latest'),

  /** false: the job runs elsewhere (a Flink cluster) and this service only projects and serves its results. */
  FLINK_LOCAL: z.enum(['true', 'false']).default('true'),
  /** The launcher built by tools/install-flink-launcher.sh. */
  FLINK_LAUNCHER_DIR: z.string().min(1).default(path.join(repoRoot, '.state/flink-launcher/current')),
  FLINK_LAUNCHER_SOURCE: z.string().min(1).default(path.join(repoRoot, 'services/analytics/flink')),
  FLINK_SQL_FILE: z.string().min(1).default(path.join(repoRoot, 'services/analytics/sql/analytics-job.sql')),
  /** Retained checkpoints of the local job; a restart resumes from the newest. */
  FLINK_CHECKPOINT_DIR: z.string().min(1).default(path.join(repoRoot, '.state/analytics/checkpoints')),
  FLINK_CHECKPOINT_INTERVAL_MS: positiveInt(10_000),
  /** How far an event may trail the newest one and still count in its window (the watermark's delay). */
  ANALYTICS_LATENESS_SECONDS: z.coerce.number().int().min(0).default(30),
  /** A partition without events for this long stops holding the watermark back. */
  FLINK_SOURCE_IDLE_TIMEOUT_MS: positiveInt(60_000),
  ANALYTICS_TOP_PRODUCTS: positiveInt(5),
  FLINK_JVM_HEAP_MB: positiveInt(768),

  ...jwtVerifierEnv,
});

export function loadAnalyticsConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadServiceConfig(analyticsConfigSchema, {
    SERVICE_NAME: 'analytics-service',
    PORT: '3007',
    ...env,
  });
}

export type AnalyticsConfig = ReturnType<typeof loadAnalyticsConfig>;
