import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createBatchConsumer, type BatchConsumer } from '@platform/service-kit';
import type { ResultStore } from './ResultStore';
import { decodeWindowResult, type WindowResult } from './windowResult';

export interface ResultProjectorOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  store: ResultStore;
  registry: Registry;
  logger: Logger;
  sessionTimeoutMs: number;
  onShutdown: (hook: () => Promise<void>) => void;
}

/**
 * Reads analytics-results (read_committed: only the results of the Flink job's committed checkpoints) and upserts
 * each window into PostgreSQL; offsets are committed after the write, so a redelivery rewrites the same rows.
 * A new group reads the topic from its beginning: the topic is the record, the tables can be rebuilt from it.
 */
export class ResultProjector {
  private readonly consumer: BatchConsumer;
  private joined = false;
  private crashed: string | undefined;

  constructor(options: ResultProjectorOptions) {
    this.consumer = createBatchConsumer<WindowResult>({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: [options.topic],
      decode: decodeWindowResult,
      handleBatch: messages => options.store.upsert(messages.map(m => m.value)),
      fromBeginning: true,
      registry: options.registry,
      logger: options.logger,
      onShutdown: options.onShutdown,
      // kafkajs' default, said aloud: records of aborted or open transactions are never read
      consumerConfig: { sessionTimeout: options.sessionTimeoutMs, readUncommitted: false },
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

  start = () => this.consumer.start();
  stop = () => this.consumer.stop();

  check(): void {
    if (this.crashed) throw new Error(`Kafka consumer crashed: ${this.crashed}`);
    if (!this.joined) throw new Error('Kafka consumer has not joined its group');
  }
}
