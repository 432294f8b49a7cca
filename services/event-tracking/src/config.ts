import { z } from 'zod';
import { jwtVerifierEnv, loadServiceConfig } from '@platform/service-kit';

export const eventTrackingConfigSchema = z.object({
  KAFKA_BROKERS: z.string().min(1),
  /** Topics are `<prefix>.<type>` and `<prefix>.<type>.dlq`; tests and benchmarks use a prefix of their own. */
  EVENTS_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .default('events'),
  EVENTS_TOPIC_PARTITIONS: z.coerce.number().int().positive().default(6),
  EVENTS_DLQ_PARTITIONS: z.coerce.number().int().positive().default(1),
  /** Longest a request waits for Kafka before it is answered 503; kafkajs timeouts are derived from it. */
  KAFKA_PUBLISH_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  /** Retry-After of a 503 when Kafka did not take the events. */
  KAFKA_RETRY_AFTER_S: z.coerce.number().int().min(0).default(2),
  ...jwtVerifierEnv,
});

export type EventTrackingConfig = ReturnType<typeof loadEventTrackingConfig>;

export function loadEventTrackingConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadServiceConfig(eventTrackingConfigSchema, {
    SERVICE_NAME: 'event-tracking-service',
    PORT: '3004',
    // a batch of 500 events with meta is several hundred KB; the kit's default of 256kb is too small
    BODY_LIMIT: '1mb',
    ...env,
  });
}
