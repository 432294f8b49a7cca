import { z } from 'zod';
import { loadServiceConfig } from '@platform/service-kit';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('true')
  .transform(value => value === 'true' || value === '1');

export const dataLakeSinkConfigSchema = z.object({
  KAFKA_BROKERS: z.string().min(1),
  /** the topics are `<prefix>.click|view|cart|purchase`; tests use a prefix of their own */
  EVENTS_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .default('events'),
  /** partitions of an events topic the sink creates when it is missing (event-tracking-service's default too) */
  EVENTS_TOPIC_PARTITIONS: z.coerce.number().int().positive().default(6),
  LAKE_CONSUMER_GROUP: z.string().min(1).default('data-lake-sink'),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: flag,
  LAKE_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'an S3 bucket name')
    .default('data-lake'),
  AZURE_STORAGE_CONNECTION_STRING: z.string().min(1),
  LAKE_AZURE_CONTAINER: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/, 'an Azure container name')
    .default('data-lake'),
  /** a file closes at this many rows ... */
  LAKE_FILE_MAX_ROWS: z.coerce.number().int().positive().default(500_000),
  /** ... or at about this many bytes of row data */
  LAKE_FILE_MAX_BYTES: z.coerce.number().int().positive().default(128 * 1024 * 1024),
  /** a file of an hour closes this long after the hour ends (late events of the hour still join it) */
  LAKE_HOUR_GRACE_MS: z.coerce.number().int().min(0).default(5 * 60_000),
  /** no file stays open longer than this */
  LAKE_FILE_MAX_OPEN_MS: z.coerce.number().int().positive().default(65 * 60_000),
  LAKE_CHECK_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  /** first and largest delay between retries of a batch whose files could not be stored */
  LAKE_RETRY_INITIAL_MS: z.coerce.number().int().positive().default(500),
  LAKE_RETRY_MAX_MS: z.coerce.number().int().positive().default(30_000),
  LAKE_PARTITIONS_CONCURRENTLY: z.coerce.number().int().positive().default(4),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
});

export type DataLakeSinkConfig = ReturnType<typeof loadDataLakeSinkConfig>;

/** The sink's settings; PORT (metrics and health) defaults to 3013. */
export function loadDataLakeSinkConfig(env: Record<string, string | undefined> = process.env) {
  return loadServiceConfig(dataLakeSinkConfigSchema, { SERVICE_NAME: 'data-lake-sink', PORT: '3013', ...env });
}
