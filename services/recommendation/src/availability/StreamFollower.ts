import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createBatchConsumer, ensureTopics, type BatchConsumer, type ConsumedMessage } from '@platform/service-kit';
import type { RecommendationMetrics } from '../metrics';
import { INTERACTION_TYPES, INTERACTION_WEIGHTS, interactionSchema, type TrendingWindow } from '../trending/TrendingWindow';
import { type AvailabilityMap, productChangeSchema } from './AvailabilityMap';

export interface StreamFollowerOptions {
  kafka: Kafka;
  /** the group is `<prefix>-<host>-<random>`: one per replica and start, so every replica reads everything */
  groupPrefix: string;
  productsTopic: string;
  eventsTopicPrefix: string;
  availability: AvailabilityMap;
  trending: TrendingWindow;
  metrics: RecommendationMetrics;
  registry: Registry;
  logger: Logger;
  sessionTimeoutMs: number;
  onShutdown: (hook: () => Promise<void>) => void;
}

export const eventTopics = (prefix: string) => INTERACTION_TYPES.map(type => `${prefix}.${type}`);

/**
 * Follows `products` (availability) and `events.*` (trending) from the earliest offset with the kit's batch consumer,
 * in a consumer group of its own per replica: each replica holds the complete state in memory, and no request ever
 * waits for Kafka. The group is deleted at shutdown (its offsets are of no use to the next start).
 */
export class StreamFollower {
  readonly groupId: string;
  private consumer: BatchConsumer | undefined;
  /** products partitions not yet read up to their end offset at start */
  private pending: Map<number, bigint> | undefined;
  private startProblem: string | undefined = 'not started';

  constructor(private readonly options: StreamFollowerOptions) {
    const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40);
    this.groupId = `${options.groupPrefix}-${host}-${randomBytes(4).toString('hex')}`;
  }

  /** for /readyz: fine once the products topic has been read up to where it ended at start */
  checkCaughtUp(): void {
    if (this.startProblem) throw new Error(this.startProblem);
    if (this.pending && this.pending.size) {
      throw new Error(`availability not complete yet: ${this.pending.size} partition(s) of ${this.options.productsTopic} still catching up`);
    }
  }

  async start(): Promise<void> {
    const { kafka, productsTopic, eventsTopicPrefix, logger } = this.options;
    const topics = [productsTopic, ...eventTopics(eventsTopicPrefix)];
    // the owners create these too; creating missing ones lets this service start first
    await ensureTopics(kafka, [
      { topic: productsTopic, numPartitions: 3 },
      ...eventTopics(eventsTopicPrefix).map(topic => ({ topic, numPartitions: 6 })),
    ]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(productsTopic);
      this.pending = new Map(
        offsets.filter(o => BigInt(o.high) > BigInt(o.low)).map(o => [o.partition, BigInt(o.high)] as [number, bigint]),
      );
    } finally {
      await admin.disconnect();
    }
    this.consumer = createBatchConsumer<unknown>({
      kafka,
      groupId: this.groupId,
      topics,
      fromBeginning: true,
      maxBatchSize: 1_000,
      partitionsConsumedConcurrently: 2,
      registry: this.options.registry,
      logger,
      consumerConfig: { sessionTimeout: this.options.sessionTimeoutMs },
      handleBatch: async (messages, context) => {
        if (context.topic === productsTopic) this.applyProducts(messages);
        else this.applyEvents(messages);
        if (context.topic === productsTopic && this.pending?.has(context.partition)) {
          if (BigInt(context.commitOffset.offset) >= this.pending.get(context.partition)!) {
            this.pending.delete(context.partition);
            if (this.pending.size === 0) logger.info({ topic: productsTopic, unavailable: this.options.availability.size }, 'availability map complete');
          }
        }
      },
    });
    // registered before the kit's own hook so that it runs after the consumer left its group
    this.options.onShutdown(() => this.deleteGroup());
    this.options.onShutdown(() => this.consumer!.stop());
    await this.consumer.start();
    this.startProblem = undefined;
    logger.info({ groupId: this.groupId, topics }, 'following products and interaction events from the earliest offset');
  }

  private applyProducts(messages: ConsumedMessage<unknown>[]) {
    const { availability, metrics, logger } = this.options;
    for (const message of messages) {
      const parsed = productChangeSchema.safeParse(message.value);
      if (!parsed.success) {
        logger.warn({ topic: message.topic, partition: message.partition, offset: message.offset, problem: parsed.error.issues[0]?.message }, 'product event skipped: not a ProductChangeEvent');
        continue;
      }
      availability.apply(parsed.data);
    }
    metrics.unavailableProducts.set(availability.size);
  }

  private applyEvents(messages: ConsumedMessage<unknown>[]) {
    const { trending, metrics } = this.options;
    for (const message of messages) {
      const parsed = interactionSchema.safeParse(message.value);
      // anonymous and product-less events are fine; only events naming a product count
      if (!parsed.success || !parsed.data.productId) continue;
      trending.add(parsed.data.productId, INTERACTION_WEIGHTS[parsed.data.type], Date.parse(parsed.data.ts));
    }
    metrics.trendingEvents.set(trending.size);
  }

  private async deleteGroup() {
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (error) {
      this.options.logger.warn({ err: error, groupId: this.groupId }, 'consumer group not deleted (it expires with the broker offsets retention)');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
