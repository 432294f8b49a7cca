import { z } from 'zod';

const topic = z.string().regex(/^[a-z][a-z0-9.-]*$/, 'must be a topic name (lowercase letters, digits, . and -)');

const schema = z.object({
  /** health, readiness and /metrics only: the service's work comes from Kafka */
  PORT: z.coerce.number().int().min(1).max(65535).default(${{ values.port }}),
  // loopback unless told otherwise: a developer machine exposes nothing; the chart and the image set 0.0.0.0
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  SERVICE_NAME: z.string().default('${{ values.name }}'),
  KAFKA_BROKERS: z.string().regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...]'),
  /** the consumer group: every replica joins it and Kafka shares the partitions out (KEDA reads its lag) */
  KAFKA_GROUP_ID: z.string().min(1).default('${{ values.consumerGroup }}'),
  /** the topics consumed, comma-separated; each has a dead-letter topic `<topic>.dlq` */
  KAFKA_TOPICS: z
    .string()
    .default('${{ values.consumedTopics | join(',') }}')
    .transform(value => value.split(',').map(t => t.trim()).filter(Boolean))
    .pipe(z.array(topic).min(1, 'name at least one topic')),
  /** retries of a failing batch (with backoff) before its failing messages are dead-lettered */
  KAFKA_RETRIES: z.coerce.number().int().min(0).max(20).default(5),
  /** the largest batch handed to the handler at once */
  KAFKA_MAX_BATCH_SIZE: z.coerce.number().int().min(1).default(100),
  /** partitions handled at the same time by one replica */
  KAFKA_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).default(1),
  /** a new group starts at the earliest offset instead of the latest */
  KAFKA_FROM_BEGINNING: z.enum(['true', 'false']).default('false').transform(value => value === 'true'),
});

export type Config = z.infer<typeof schema>;

/** Validates the environment once at start-up, so a misconfigured pod fails fast instead of at the first message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
