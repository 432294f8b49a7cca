import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

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
  logger: Logger;
  config?: Partial<KafkaConfig>;
}): Kafka {
  const brokers = typeof options.brokers === 'string' ? options.brokers.split(',').map(b => b.trim()).filter(Boolean) : options.brokers;
  const log = options.logger.child({ component: 'kafka' });
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
