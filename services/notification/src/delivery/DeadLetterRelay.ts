import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { PoolClient } from 'pg';
import {
  createOutboxRelay,
  DLQ_HEADERS,
  type OutboxRelay,
} from '@platform/service-kit';
import type { NotificationMetrics } from '../metrics';
import type {
  NotificationRow,
  NotificationStore,
} from '../notifications/NotificationStore';

export interface DeadLetterRelayOptions {
  store: NotificationStore;
  producer: Producer;
  topic: string;
  consumerGroup: string;
  metrics: NotificationMetrics;
  logger: Logger;
  pollIntervalMs: number;
}

/**
 * Publishes failed notifications to the dead-letter topic, with the kit's dead-letter headers (`dlq-reason` is the
 * last error), and stamps them: the failure is committed first, the publication follows (an outbox of its own),
 * so a Kafka outage delays a dead letter but never loses it. Key: the notification id; value: the notification.
 */
export function createDeadLetterRelay(
  options: DeadLetterRelayOptions,
): OutboxRelay {
  const { store, producer, metrics } = options;
  let connected = false;
  return createOutboxRelay<NotificationRow, PoolClient>({
    name: 'dead-letters',
    batchSize: 100,
    pollIntervalMs: options.pollIntervalMs,
    logger: options.logger,
    metrics: {
      failed: (_error, stage) =>
        metrics.relayFailures.inc({ relay: 'dead-letters', stage }),
    },
    transaction: work => store.transaction(work),
    fetchPending: (limit, client) => store.claimFailed(client, limit),
    async publish(rows) {
      try {
        if (!connected) {
          await producer.connect();
          connected = true;
        }
        await producer.send({
          topic: options.topic,
          acks: -1,
          messages: rows.map(row => ({
            key: row.id,
            value: JSON.stringify({
              notificationId: row.id,
              channel: row.channel,
              to: row.recipient,
              template: row.template,
              source: row.source,
              orderId: row.order_id,
              eventId: row.event_id,
              attempts: row.attempts,
              lastError: row.last_error,
              createdAt: row.created_at.toISOString(),
            }),
            headers: {
              [DLQ_HEADERS.reason]: (row.last_error ?? 'failed').slice(0, 1000),
              [DLQ_HEADERS.sourceTopic]:
                row.source === 'orders' ? 'orders' : 'api',
              [DLQ_HEADERS.attempts]: String(row.attempts),
              [DLQ_HEADERS.group]: options.consumerGroup,
              [DLQ_HEADERS.failedAt]: row.updated_at.toISOString(),
              ...(row.event_id ? { 'event-id': row.event_id } : {}),
            },
          })),
        });
      } catch (error) {
        connected = false;
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
    },
    async markPublished(rows, client) {
      await store.markDeadLettered(
        client,
        rows.map(row => row.id),
      );
      for (const row of rows) metrics.deadLetters.inc({ channel: row.channel });
    },
    close: async () => {
      if (connected) await producer.disconnect();
      connected = false;
    },
  });
}
