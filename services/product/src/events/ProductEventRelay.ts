import type { Logger } from 'pino';
import type { Producer } from 'kafkajs';
import {
  createOutboxRelay,
  type OutboxRelay,
  type OutboxRelayMetrics,
} from '@platform/service-kit';
import type { ProductStore } from '../products/ProductStore';
import { PRODUCT_VERSION_HEADER, productEventFor } from './productEvents';

export interface ProductEventRelayOptions {
  store: ProductStore;
  /** An idempotent producer (`idempotent: true`); the relay connects it and reconnects after failures. */
  producer: Producer;
  topic: string;
  logger: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
  maxBackoffMs?: number;
  metrics?: OutboxRelayMetrics;
}

/**
 * Drains the outbox marker of the products collection to Kafka with the kit's relay: publishes the
 * current state of every product marked `pendingPublish` (key = product id, so one product's events
 * stay in order on one partition), then clears the marker guarded by the version it published. A
 * crash between the two publishes that version again (at least once; the event id is stable for dedupe).
 */
export function createProductEventRelay(
  options: ProductEventRelayOptions,
): OutboxRelay {
  const { store, producer, topic } = options;
  let connected = false;
  const disconnect = async () => {
    connected = false;
    await producer.disconnect().catch(() => undefined);
  };
  return createOutboxRelay({
    name: 'product-events',
    batchSize: options.batchSize,
    pollIntervalMs: options.pollIntervalMs,
    backoff: { maxMs: options.maxBackoffMs ?? 10_000 },
    logger: options.logger,
    metrics: options.metrics,
    fetchPending: limit => store.pendingChanges(limit),
    async publish(docs) {
      try {
        if (!connected) {
          await producer.connect();
          connected = true;
        }
        await producer.send({
          topic,
          acks: -1,
          messages: docs.map(doc => {
            const event = productEventFor(doc);
            return {
              key: doc._id,
              value: JSON.stringify(event),
              headers: {
                [PRODUCT_VERSION_HEADER]: String(doc.version),
                'event-id': event.eventId,
              },
            };
          }),
        });
      } catch (error) {
        // Start from a fresh connection next time: the broker may have moved or come back.
        await disconnect();
        throw error;
      }
    },
    async markPublished(docs) {
      for (const doc of docs) await store.markPublished(doc);
    },
    close: disconnect,
  });
}
