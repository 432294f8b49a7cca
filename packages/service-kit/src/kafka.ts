import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import pino, { Logger } from 'pino';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go through the service's pino logger as JSON. */
export function createKafka(options: {
  brokers: string[] | string;
  clientId: string;
  /** the service's logger; defaults to a warn-level JSON logger */
  logger?: Logger;
  config?: Partial<KafkaConfig>;
}): Kafka {
  const brokers = typeof options.brokers === 'string' ? options.brokers.split(',').map(b => b.trim()).filter(Boolean) : options.brokers;
  const log = (options.logger ?? pino({ level: 'warn' })).child({ component: 'kafka', clientId: options.clientId });
  return new Kafka({
    clientId: options.clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      log[LEVELS[level] ?? 'info']({ kafka: rest }, message);
    },
    ...options.config,
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/**
 * Creates the topics a service writes or reads if they are missing (an existing topic is left as
 * it is), so a fresh broker works without a provisioning step.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length) await admin.createTopics({ waitForLeaders: true, topics: missing });
  } finally {
    await admin.disconnect();
  }
}
