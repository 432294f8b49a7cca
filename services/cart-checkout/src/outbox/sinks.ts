import type { Producer } from 'kafkajs';
import type { OutboxRow, OutboxSink } from './OutboxRelay';

/** Publishes `kafka` rows with an idempotent producer: key = the row's message key (the order id). */
export function kafkaSink(producer: Producer, batchSize = 100): OutboxSink {
  let connected = false;
  return {
    destination: 'kafka',
    batchSize,
    ordered: true,
    async deliver(rows: OutboxRow[]) {
      try {
        if (!connected) {
          await producer.connect();
          connected = true;
        }
        const byTopic = new Map<string, OutboxRow[]>();
        for (const row of rows) {
          const topic = row.topic ?? 'orders';
          byTopic.set(topic, [...(byTopic.get(topic) ?? []), row]);
        }
        await producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, topicRows]) => ({
            topic,
            messages: topicRows.map(row => ({
              key: row.message_key,
              value: JSON.stringify(row.payload),
              headers: { 'event-id': row.id },
            })),
          })),
        });
      } catch (error) {
        // Start from a fresh connection next time: the broker may have moved or come back.
        connected = false;
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
    },
    async close() {
      if (connected) await producer.disconnect();
      connected = false;
    },
  };
}

export interface HttpPoster {
  post(
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<void>;
  delete(path: string, headers: Record<string, string>): Promise<void>;
}

/** POSTs `notification` rows to the notification service; the row id is the Idempotency-Key. */
export function notificationSink(
  client: HttpPoster,
  maxAttempts = 10,
): OutboxSink {
  return {
    destination: 'notification',
    batchSize: 1,
    maxAttempts,
    async deliver([row]) {
      await client.post('/notifications', row.payload, {
        'Idempotency-Key': `outbox-${row.id}`,
      });
    },
  };
}

/** Gives a cancelled order's reserved stock back (DELETE /stock-reservations/{orderId}). */
export function stockReleaseSink(
  client: HttpPoster,
  maxAttempts = 50,
): OutboxSink {
  return {
    destination: 'stock-release',
    batchSize: 1,
    maxAttempts,
    async deliver([row]) {
      await client.delete(
        `/stock-reservations/${encodeURIComponent(row.message_key)}`,
        {},
      );
    },
  };
}
