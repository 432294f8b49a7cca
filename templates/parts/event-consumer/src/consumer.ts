import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import { decodeEvent, type Event, handleEvent, type HandlerContext } from './events.js';
import { type BatchConsumer, createBatchConsumer } from './kafkaConsumer.js';

export interface EventConsumerDeps {
  kafka: Kafka;
  config: Pick<Config, 'KAFKA_GROUP_ID' | 'KAFKA_TOPICS' | 'KAFKA_RETRIES' | 'KAFKA_MAX_BATCH_SIZE' | 'KAFKA_PARTITIONS_CONCURRENTLY' | 'KAFKA_FROM_BEGINNING'>;
  registry: Registry;
  logger: Logger;
  /** the work per event (default: handleEvent in events.ts) */
  handle?: (event: Event, context: HandlerContext) => Promise<void>;
  /** delays between retries (default 200 ms doubling up to 30 s) */
  backoff?: { initialMs?: number; maxMs?: number };
}

/**
 * The service's consumer: the platform's batch consumer (src/kafkaConsumer.ts, the service kit's) with this
 * service's decoding and work. It commits a batch after every event in it was handled, retries a failing batch,
 * dead-letters what keeps failing to `<topic>.dlq` and exposes kafka_consumer_lag per partition.
 */
export function createEventConsumer({ kafka, config, registry, logger, handle = handleEvent, backoff }: EventConsumerDeps): BatchConsumer {
  return createBatchConsumer<Event>({
    kafka,
    groupId: config.KAFKA_GROUP_ID,
    topics: config.KAFKA_TOPICS,
    decode: decodeEvent,
    handleBatch: async messages => {
      for (const message of messages) await handle(message.value, { logger });
    },
    retries: config.KAFKA_RETRIES,
    backoff,
    maxBatchSize: config.KAFKA_MAX_BATCH_SIZE,
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY,
    fromBeginning: config.KAFKA_FROM_BEGINNING,
    registry,
    logger,
  });
}
