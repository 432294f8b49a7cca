import type { Logger } from 'pino';
import type { Producer } from 'kafkajs';
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
  /** Told how many products each pass published, and of every failed pass (for metrics). */
  onPublished?: (count: number) => void;
  onFailed?: () => void;
}

/**
 * Drains the outbox marker of the products collection to Kafka: publishes the current state of every
 * product marked `pendingPublish` (key = product id, so one product's events stay in order on one
 * partition), then clears the marker guarded by the version it published. A crash between the two
 * publishes that version again (at least once; the event id is stable for dedupe).
 */
export class ProductEventRelay {
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;
  private connected = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;

  constructor(private readonly options: ProductEventRelayOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.batchSize = options.batchSize ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a write so the change goes out without waiting for the next poll. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
    if (this.connected)
      await this.options.producer.disconnect().catch(() => undefined);
    this.connected = false;
  }

  /** Publishes one batch; returns how many products it published. */
  async drainOnce(): Promise<number> {
    const { store, producer, topic } = this.options;
    const docs = await store.pendingChanges(this.batchSize);
    if (docs.length === 0) return 0;
    if (!this.connected) {
      await producer.connect();
      this.connected = true;
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
    for (const doc of docs) await store.markPublished(doc);
    this.options.onPublished?.(docs.length);
    return docs.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.drainOnce();
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        this.options.onFailed?.();
        this.options.logger.warn(
          { err: error, failures: this.failures },
          'product event relay: publish failed, will retry',
        );
        await this.options.producer.disconnect().catch(() => undefined);
        this.connected = false;
      }
      if (published === this.batchSize) continue;
      const delay = this.failures
        ? Math.min(this.maxBackoffMs, this.pollIntervalMs * 2 ** this.failures)
        : this.pollIntervalMs;
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
