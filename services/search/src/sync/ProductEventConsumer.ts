import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { IndexedProduct, SearchIndex } from '../index/SearchIndex';
import { productChangeEventValidator } from './eventSchema';

const validateProductChangeEvent = productChangeEventValidator();

/** Kafka header carrying the product version (set by product-service). */
export const PRODUCT_VERSION_HEADER = 'product-version';

export interface ProductEventConsumerOptions {
  consumer: Consumer;
  /** Idempotent producer for the dead-letter topic. */
  dlqProducer: Producer;
  index: SearchIndex;
  topic: string;
  dlqTopic: string;
  consumerGroup: string;
  logger: Logger;
  /** Told what became of each record (for metrics). */
  onRecord?: (result: 'indexed' | 'stale' | 'dead-lettered') => void;
}

class PoisonMessage extends Error {
  constructor(
    readonly kind: 'invalid-payload' | 'processing-failed',
    message: string,
  ) {
    super(message);
  }
}

function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Turns one Kafka record into an index write; throws PoisonMessage for records that can never succeed. */
export function parseProductRecord(message: KafkaMessage): {
  type: 'upsert' | 'delete';
  product: IndexedProduct;
} {
  let json: unknown;
  try {
    json = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch (error) {
    throw new PoisonMessage(
      'invalid-payload',
      `not JSON: ${(error as Error).message}`,
    );
  }
  const parsed = validateProductChangeEvent(json);
  if (!parsed.ok)
    throw new PoisonMessage(
      'invalid-payload',
      `not a ProductChangeEvent: ${parsed.error}`,
    );
  const rawVersion = headerText(message, PRODUCT_VERSION_HEADER);
  const version = rawVersion === undefined ? 0 : Number(rawVersion);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new PoisonMessage(
      'invalid-payload',
      `header ${PRODUCT_VERSION_HEADER} is not a version: ${rawVersion}`,
    );
  }
  const { product, type } = parsed.event;
  return {
    type: type === 'deleted' ? 'delete' : 'upsert',
    product: {
      id: product.id,
      name: product.name,
      category: product.category,
      price: product.price,
      currency: product.currency,
      tags: product.tags,
      stock: product.stock,
      version,
      updatedAt: product.updatedAt,
    },
  };
}

/** PostgreSQL data errors (class 22) and constraint violations (23) will fail the same way on every retry. */
function isDeterministicFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'))
  );
}

/**
 * Keeps the search index in step with the `products` topic. Records that cannot be parsed or stored go
 * to the dead-letter topic and are skipped; anything else (the database is down) is thrown, so kafkajs
 * retries the record and the offset is not committed until it is indexed.
 */
export class ProductEventConsumer {
  constructor(private readonly options: ProductEventConsumerOptions) {}

  async start(): Promise<void> {
    const { consumer, dlqProducer, topic } = this.options;
    await dlqProducer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: sourceTopic, partition, message }) => {
        try {
          await this.apply(message);
        } catch (error) {
          if (error instanceof PoisonMessage) {
            await this.deadLetter(sourceTopic, partition, message, error);
            return;
          }
          if (isDeterministicFailure(error)) {
            await this.deadLetter(
              sourceTopic,
              partition,
              message,
              new PoisonMessage('processing-failed', (error as Error).message),
            );
            return;
          }
          throw error;
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.options.consumer.disconnect();
    await this.options.dlqProducer.disconnect();
  }

  private async apply(message: KafkaMessage): Promise<void> {
    const { type, product } = parseProductRecord(message);
    const applied =
      type === 'delete'
        ? await this.options.index.delete(product)
        : await this.options.index.upsert(product);
    this.options.onRecord?.(applied ? 'indexed' : 'stale');
  }

  private async deadLetter(
    sourceTopic: string,
    partition: number,
    message: KafkaMessage,
    error: PoisonMessage,
  ) {
    const { dlqProducer, dlqTopic, consumerGroup, logger, onRecord } =
      this.options;
    const value = message.value ?? Buffer.alloc(0);
    const utf8 = value.toString('utf8');
    const isUtf8 = Buffer.from(utf8, 'utf8').equals(value);
    logger.warn(
      {
        sourceTopic,
        partition,
        offset: message.offset,
        kind: error.kind,
        reason: error.message,
      },
      'product event dead-lettered',
    );
    await dlqProducer.send({
      topic: dlqTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: JSON.stringify({
            sourceTopic,
            sourcePartition: partition,
            sourceOffset: message.offset,
            key: message.key ? message.key.toString('utf8') : null,
            payload: isUtf8 ? utf8 : value.toString('base64'),
            payloadEncoding: isUtf8 ? 'utf8' : 'base64',
            error: { kind: error.kind, message: error.message.slice(0, 2000) },
            attempts: 1,
            consumerGroup,
            failedAt: new Date().toISOString(),
          }),
        },
      ],
    });
    onRecord?.('dead-lettered');
  }
}
