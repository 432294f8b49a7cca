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
import type { UserDirectory } from '../users/UserDirectory';
import {
  CONFIRMED_STATUS,
  decodeOrderEvent,
  type OrderEvent,
} from './orderEvent';

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
      fromBeginning: true,
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
    let queued = 0;
    // in order: a partition holds an order's events in the order they happened
    for (const { value: event } of messages) {
      if (event.status !== CONFIRMED_STATUS) {
        metrics.orderEvents.inc({ outcome: 'ignored' });
        continue;
      }
      const recipient = await users.recipient(event.userId);
      const result = await store.recordOrderConfirmation(event, recipient);
      metrics.orderEvents.inc({
        outcome: result.duplicate ? 'duplicate' : 'queued',
      });
      queued += result.queued.length;
    }
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
