import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { BatchConsumer, ConsumedMessage, createBatchConsumer } from '@platform/service-kit';
import { ApplyResult, FeatureStore } from './FeatureStore';
import { FeatureMetrics } from './metrics';
import {
  INTERACTION_TYPES,
  InteractionEvent,
  interactionEventSchema,
  OrderEvent,
  orderEventSchema,
  ProductChangeEvent,
  productChangeEventSchema,
} from './model';

export interface FeatureTopics {
  eventsPrefix: string;
  orders: string;
  products: string;
}

export const interactionTopics = (prefix: string) => INTERACTION_TYPES.map(type => `${prefix}.${type}`);

type Decoded =
  | { kind: 'interaction'; event: InteractionEvent }
  | { kind: 'order'; event: OrderEvent }
  | { kind: 'product'; event: ProductChangeEvent };

/**
 * The kit's decode sees the message only, so the kind comes from the shape (an OrderEvent has `orderId`, a
 * ProductChangeEvent `product`); a message that is none of the three throws and is dead-lettered at once.
 */
export function decodeFeatureMessage(message: KafkaMessage): Decoded {
  const value = JSON.parse(message.value?.toString('utf8') ?? 'null');
  if (value && typeof value === 'object' && 'orderId' in value) return { kind: 'order', event: orderEventSchema.parse(value) };
  if (value && typeof value === 'object' && 'product' in value) {
    return { kind: 'product', event: productChangeEventSchema.parse(value) };
  }
  return { kind: 'interaction', event: interactionEventSchema.parse(value) };
}

export interface FeatureConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: FeatureTopics;
  store: FeatureStore;
  metrics: FeatureMetrics;
  registry: Registry;
  logger: Logger;
  batchSize: number;
  partitionsConsumedConcurrently: number;
  sessionTimeoutMs: number;
  onShutdown: (hook: () => Promise<void>) => void;
}

/**
 * The streaming side: one consumer group over `events.<type>`, `orders` and `products`. Each batch (one Kafka
 * partition) is applied in one Redis pipeline and committed after Redis answered; a failing batch is retried by
 * the kit, which is safe because every event is applied at most once per eventId. Messages that are not valid
 * events are dead-lettered by the kit's decode path.
 */
export class FeatureConsumer {
  private readonly consumer: BatchConsumer;
  private joined = false;
  private crashed: string | undefined;

  constructor(private readonly options: FeatureConsumerOptions) {
    const { topics } = options;
    const interactions = interactionTopics(topics.eventsPrefix);
    this.consumer = createBatchConsumer<Decoded>({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: [...interactions, topics.orders, topics.products],
      decode: decodeFeatureMessage,
      handleBatch: messages => this.handle(messages),
      maxBatchSize: options.batchSize,
      fromBeginning: true,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
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

  private async handle(messages: Array<ConsumedMessage<Decoded>>): Promise<void> {
    const interactions: InteractionEvent[] = [];
    const orders: OrderEvent[] = [];
    const products: ProductChangeEvent[] = [];
    for (const { value } of messages) {
      if (value.kind === 'interaction') interactions.push(value.event);
      else if (value.kind === 'order') orders.push(value.event);
      else products.push(value.event);
    }
    const { metrics } = this.options;
    const count = (source: string, result: ApplyResult) => {
      if (result.applied) metrics.applied.inc({ source }, result.applied);
      if (result.duplicates) metrics.duplicates.inc({ source }, result.duplicates);
    };
    try {
      if (products.length) count('products', await this.options.store.applyProducts(products));
      if (orders.length) count('orders', await this.options.store.applyOrders(orders));
      if (interactions.length) {
        // a batch is one topic, so one type
        count(interactions[0].type, await this.options.store.applyInteractions(interactions));
      }
    } catch (error) {
      metrics.redisErrors.inc({ operation: 'apply' });
      throw error;
    }
  }

  start = () => this.consumer.start();
  stop = () => this.consumer.stop();

  /** Readiness: the member has joined its group and has not crashed. */
  check(): void {
    if (this.crashed) throw new Error(`Kafka consumer crashed: ${this.crashed}`);
    if (!this.joined) throw new Error('Kafka consumer has not joined its group');
  }
}
