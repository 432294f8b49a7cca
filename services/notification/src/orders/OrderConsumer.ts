import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  createBatchConsumer,
  type BatchConsumer,
  type ConsumedMessage,
} from '@platform/service-kit';
import type { NotificationMetrics } from '../metrics';
import type { NotificationStore } from '../notifications/NotificationStore';
import type { Recipient, UserDirectory } from '../users/UserDirectory';
import {
  CONFIRMED_STATUS,
  decodeOrderEvent,
  type OrderEvent,
} from './orderEvent';

/** Look-ups and transactions one batch runs at once (below the PostgreSQL pool's size). */
const CONCURRENCY = 8;

/** Runs `work` over `items`, at most `limit` at a time; rejects with the first failure once all have settled. */
async function inParallel<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item).catch(error => failures.push(error));
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  if (failures.length) throw failures[0];
}

export interface OrderConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  store: NotificationStore;
  users: UserDirectory;
  metrics: NotificationMetrics;
  registry: Registry;
  logger: Logger;
  retries: number;
  /** a group without committed offsets starts at the earliest offset */
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  onShutdown: (hook: () => Promise<void>) => void;
  /** told after a batch queued notifications (the delivery relay sends them at once) */
  onQueued(): void;
}

/**
 * Reads `orders` with the kit's consumer and records the confirmation of each paid order in PostgreSQL; the batch's
 * offsets are committed only after that write, so nothing accepted is lost. Sending is the delivery relay's job:
 * an SMTP outage never holds up the partition. A redelivered event finds its event id recorded and changes
 * nothing. If the buyer cannot be read (user service down) the batch is retried with the kit's backoff, then
 * dead-lettered to `orders.dlq` with the reason; an event that is not an OrderEvent goes there at once.
 */
export class OrderConsumer {
  private readonly consumer: BatchConsumer;
  private joined = false;
  private crashed: string | undefined;

  constructor(private readonly options: OrderConsumerOptions) {
    this.consumer = createBatchConsumer<OrderEvent>({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: [options.topic],
      decode: decodeOrderEvent,
      handleBatch: messages => this.handle(messages),
      retries: options.retries,
      backoff: { initialMs: 200, maxMs: 30_000 },
      fromBeginning: options.fromBeginning,
      registry: options.registry,
      logger: options.logger,
      onShutdown: options.onShutdown,
      consumerConfig: { sessionTimeout: options.sessionTimeoutMs },
    });
    const { events } = this.consumer.consumer;
    this.consumer.consumer.on(events.GROUP_JOIN, () => {
      this.joined = true;
      this.crashed = undefined;
    });
    this.consumer.consumer.on(events.CRASH, ({ payload }) => {
      this.joined = false;
      this.crashed = payload.error.message;
    });
    this.consumer.consumer.on(events.STOP, () => {
      this.joined = false;
    });
  }

  private async handle(
    messages: Array<ConsumedMessage<OrderEvent>>,
  ): Promise<void> {
    const { metrics, store, users } = this.options;
    const paid = messages
      .map(m => m.value)
      .filter(event => event.status === CONFIRMED_STATUS);
    metrics.orderEvents.inc(
      { outcome: 'ignored' },
      messages.length - paid.length,
    );
    if (!paid.length) return;
    // each buyer read once per batch, several at a time
    const recipients = new Map<string, Recipient>();
    await inParallel(
      [...new Set(paid.map(event => event.userId))],
      CONCURRENCY,
      async userId => {
        recipients.set(userId, await users.recipient(userId));
      },
    );
    // an order's events in the order they came (a partition keeps it); different orders at the same time
    const byOrder = new Map<string, OrderEvent[]>();
    for (const event of paid)
      byOrder.set(event.orderId, [
        ...(byOrder.get(event.orderId) ?? []),
        event,
      ]);
    let queued = 0;
    await inParallel([...byOrder.values()], CONCURRENCY, async events => {
      for (const event of events) {
        const result = await store.recordOrderConfirmation(
          event,
          recipients.get(event.userId)!,
        );
        metrics.orderEvents.inc({
          outcome: result.duplicate ? 'duplicate' : 'queued',
        });
        queued += result.queued.length;
      }
    });
    if (queued) this.options.onQueued();
  }

  start = () => this.consumer.start();
  stop = () => this.consumer.stop();

  /** Readiness: the member has joined its group and has not crashed. */
  check(): void {
    if (this.crashed)
      throw new Error(`Kafka consumer crashed: ${this.crashed}`);
    if (!this.joined)
      throw new Error('Kafka consumer has not joined its group');
  }
}
