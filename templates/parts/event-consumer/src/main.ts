import pino from 'pino';
import { createApp } from './app.js';
import { backoffDelay } from './backoff.js';
import { loadConfig } from './config.js';
import { createEventConsumer } from './consumer.js';
import { createKafka } from './kafka.js';
import { followMembership } from './membership.js';
import { createMetrics } from './metrics.js';

const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL, base: { service: config.SERVICE_NAME } });
const metrics = createMetrics();
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger });
const consumer = createEventConsumer({ kafka, config, registry: metrics.registry, logger });
const membership = followMembership(consumer.consumer, config.KAFKA_GROUP_ID, error => {
  // kafkajs gave up on this consumer: exit, and let Kubernetes start a fresh pod
  logger.fatal({ err: error }, 'consumer crashed and will not restart');
  process.exit(1);
});
let stopping = false;

const server = createApp({ logger, metrics, checks: { kafka: membership.check } }).listen(config.PORT, config.HOST, () => {
  logger.info({ host: config.HOST, port: config.PORT, group: config.KAFKA_GROUP_ID, topics: config.KAFKA_TOPICS }, 'listening');
});

// Kafka down at start: keep trying with backoff, not ready meanwhile, instead of crash-looping
void (async () => {
  for (let attempt = 1; !stopping; attempt++) {
    try {
      await consumer.start();
      return;
    } catch (error) {
      membership.failed(error as Error);
      logger.warn({ err: error, attempt }, 'consumer did not start; retrying');
      await consumer.stop().catch(() => undefined);
      await new Promise(resolve => setTimeout(resolve, backoffDelay(attempt, { initialMs: 500, maxMs: 30_000 })));
    }
  }
})();

// Kubernetes sends SIGTERM before removing the pod: the batch in flight finishes and commits, then the group is left
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    stopping = true;
    server.close();
    setTimeout(() => process.exit(1), 25_000).unref();
    consumer.stop().then(
      () => process.exit(0),
      error => {
        logger.error({ err: error }, 'consumer did not stop cleanly');
        process.exit(1);
      },
    );
  });
}
