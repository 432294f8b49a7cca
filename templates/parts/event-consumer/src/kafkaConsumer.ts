import type {
  Batch,
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Producer,
} from 'kafkajs';
import pino, { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { backoffDelay, BackoffOptions } from './backoff.js';
import { ensureTopics } from './kafka.js';

/** The metric names of every kit consumer; dashboards and alerts are written against these. */
export const KAFKA_CONSUMER_METRICS = {
  lag: 'kafka_consumer_lag',
  processed: 'kafka_consumer_processed_total',
  failed: 'kafka_consumer_failed_total',
  dlq: 'kafka_consumer_dlq_total',
} as const;

/** Headers of a dead-lettered message, next to the original message's own headers. */
export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  attempts: 'dlq-attempts',
  group: 'dlq-consumer-group',
  failedAt: 'dlq-failed-at',
} as const;

export interface ConsumedMessage<V> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** the decoded value (by default the value parsed as JSON) */
  value: V;
  headers: Record<string, string>;
  timestamp: string;
}

/** A commit position: `offset` is the next offset to read (the last handled offset + 1), as Kafka stores it. */
export interface CommitOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface BatchContext {
  topic: string;
  partition: number;
  /** 1 for the first try of these messages, 2 for the first retry, ... */
  attempt: number;
  /** the position that commits this batch; keep it when returning `{ commit: 'later' }` */
  commitOffset: CommitOffset;
  /** keeps the group membership alive during long work */
  heartbeat(): Promise<void>;
  /** stops fetching this partition (the batch still finishes); call the returned function to resume */
  pause(): () => void;
}

/**
 * What a handler returns. Nothing (or `{ commit: 'now' }`): the kit commits the batch. `{ commit: 'later' }`:
 * the kit moves on without committing; the handler commits with `consumer.commitOffsets([...])` once its
 * own boundary is reached (a file written to every store). A commit covers every earlier offset of its partition.
 */
export type BatchResult = void | { commit: 'now' | 'later' };

export type BatchHandler<V> = (
  messages: ConsumedMessage<V>[],
  context: BatchContext,
) => Promise<BatchResult>;

export interface BatchConsumerOptions<V> {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handleBatch: BatchHandler<V>;
  /** turns a Kafka message into the handler's value; a throw dead-letters the message at once (default: JSON of the value) */
  decode?: (message: KafkaMessage) => V;
  /** retries of a failing batch before its failing messages are dead-lettered (default 5) */
  retries?: number;
  /** delays between those retries (default 200 ms doubling up to 30 s, half jittered) */
  backoff?: BackoffOptions;
  /** the dead-letter topic of a source topic (default `<topic>.dlq`) */
  dlqTopic?: (topic: string) => string;
  /** the largest batch given to the handler; a bigger fetch is handled and committed in slices (default: all of it) */
  maxBatchSize?: number;
  /** a new group starts at the earliest offset instead of the latest (default false) */
  fromBeginning?: boolean;
  /** partitions handled at the same time by this instance (default 1) */
  partitionsConsumedConcurrently?: number;
  /** the service's registry (`context.metrics.registry`) */
  registry?: Registry;
  logger?: Logger;
  /** the service's `onShutdown`: stop() is registered on it */
  onShutdown?: (hook: () => Promise<void>) => void;
  /** passed to `kafka.consumer()` (sessionTimeout, maxBytesPerPartition, ...) */
  consumerConfig?: Omit<Partial<ConsumerConfig>, 'groupId'>;
}

export interface BatchConsumer {
  /** connects, subscribes and starts consuming */
  start(): Promise<void>;
  /** lets the batch in flight finish and commit, then leaves the group and disconnects */
  stop(): Promise<void>;
  /** commits positions explicitly (for handlers that return `{ commit: 'later' }`); skipped once stop() began, refused after */
  commitOffsets(offsets: CommitOffset[]): Promise<void>;
  /** the underlying kafkajs consumer, for its instrumentation events */
  readonly consumer: Consumer;
}

function metric<T extends Counter | Gauge>(registry: Registry | undefined, name: string, create: (registers: Registry[]) => T): T {
  // several consumers of one service share one metric family
  const existing = registry?.getSingleMetric(name);
  return (existing as T | undefined) ?? create(registry ? [registry] : []);
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}

const next = (offset: string) => (BigInt(offset) + 1n).toString();

const jsonValue = (message: KafkaMessage): unknown =>
  message.value === null ? null : JSON.parse(message.value.toString('utf8'));

interface Failed {
  message: KafkaMessage;
  reason: string;
  attempts: number;
}

/**
 * A consumer group member that hands the handler batches of decoded messages and commits a batch only
 * after the handler succeeded (at least once). A failing batch is retried with backoff; after the last
 * retry its messages are tried one by one and those that still fail go to the dead-letter topic, so a
 * poison message neither blocks its partition nor disappears.
 */
export function createBatchConsumer<V = unknown>(options: BatchConsumerOptions<V>): BatchConsumer {
  const { kafka, groupId, topics, handleBatch } = options;
  const decode = options.decode ?? (jsonValue as (message: KafkaMessage) => V);
  const retries = options.retries ?? 5;
  const backoff = { initialMs: 200, maxMs: 30_000, ...options.backoff };
  const dlqTopic = options.dlqTopic ?? ((topic: string) => `${topic}.dlq`);
  const logger = (options.logger ?? pino({ level: 'warn' })).child({ component: 'kafka-consumer', groupId });
  const { registry } = options;

  const lag = metric(registry, KAFKA_CONSUMER_METRICS.lag, registers =>
    new Gauge({
      name: KAFKA_CONSUMER_METRICS.lag,
      help: 'Messages in the partition not yet handled by the group (high watermark of the last fetch minus the next offset)',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    }),
  );
  const processed = metric(registry, KAFKA_CONSUMER_METRICS.processed, registers =>
    new Counter({
      name: KAFKA_CONSUMER_METRICS.processed,
      help: 'Messages handled successfully',
      labelNames: ['group', 'topic'],
      registers,
    }),
  );
  const failed = metric(registry, KAFKA_CONSUMER_METRICS.failed, registers =>
    new Counter({
      name: KAFKA_CONSUMER_METRICS.failed,
      help: 'Messages in handler attempts that failed (each retry counts again)',
      labelNames: ['group', 'topic'],
      registers,
    }),
  );
  const dead = metric(registry, KAFKA_CONSUMER_METRICS.dlq, registers =>
    new Counter({
      name: KAFKA_CONSUMER_METRICS.dlq,
      help: 'Messages sent to the dead-letter topic',
      labelNames: ['group', 'topic'],
      registers,
    }),
  );

  const consumer = kafka.consumer({ ...options.consumerConfig, groupId });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let stopping = false;
  let running = false;
  const wakeSleepers = new Set<() => void>();

  // A partition that moved to another member keeps no stale lag here.
  const lagPartitions = new Map<string, { group: string; topic: string; partition: string }>();
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = new Set(
      Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map(p => `${topic}:${p}`)),
    );
    for (const [key, labels] of lagPartitions) {
      if (!assigned.has(key)) {
        lag.remove(labels);
        lagPartitions.delete(key);
      }
    }
  });

  /** A sleep that stop() ends early. */
  function sleep(ms: number): Promise<void> {
    return new Promise<void>(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const wake = () => {
        clearTimeout(timer);
        wakeSleepers.delete(wake);
        resolve();
      };
      timer = setTimeout(wake, ms);
      wakeSleepers.add(wake);
    });
  }

  /** Waits, heartbeating, unless the consumer is stopping; false when it was interrupted. */
  async function wait(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const until = Date.now() + ms;
    while (!stopping && Date.now() < until) {
      await sleep(Math.min(until - Date.now(), 3_000));
      await heartbeat().catch(() => undefined);
    }
    return !stopping;
  }

  async function deadLetter(topic: string, partition: number, failures: Failed[]): Promise<void> {
    if (!failures.length) return;
    await producer.send({
      topic: dlqTopic(topic),
      acks: -1,
      messages: failures.map(({ message, reason, attempts }) => ({
        key: message.key,
        value: message.value,
        timestamp: message.timestamp,
        headers: {
          ...message.headers,
          [DLQ_HEADERS.reason]: reason.slice(0, 1000),
          [DLQ_HEADERS.sourceTopic]: topic,
          [DLQ_HEADERS.sourcePartition]: String(partition),
          [DLQ_HEADERS.sourceOffset]: message.offset,
          [DLQ_HEADERS.attempts]: String(attempts),
          [DLQ_HEADERS.group]: groupId,
          [DLQ_HEADERS.failedAt]: new Date().toISOString(),
        },
      })),
    });
    dead.inc({ group: groupId, topic }, failures.length);
    logger.error(
      { topic, partition, offsets: failures.map(f => f.message.offset), reason: failures[0].reason, dlq: dlqTopic(topic) },
      'messages dead-lettered',
    );
  }

  type SliceOutcome = 'done' | 'deferred' | 'interrupted';

  /** Handles one slice with retries; dead-letters what keeps failing. */
  async function handleSlice(
    batch: Batch,
    slice: KafkaMessage[],
    commitOffset: CommitOffset,
    payload: EachBatchPayload,
  ): Promise<SliceOutcome> {
    const { topic, partition } = batch;
    const labels = { group: groupId, topic };
    const undecodable: Failed[] = [];
    const decoded: Array<{ raw: KafkaMessage; message: ConsumedMessage<V> }> = [];
    for (const raw of slice) {
      try {
        decoded.push({
          raw,
          message: {
            topic,
            partition,
            offset: raw.offset,
            key: raw.key?.toString('utf8') ?? null,
            value: decode(raw),
            headers: stringHeaders(raw.headers),
            timestamp: raw.timestamp,
          },
        });
      } catch (error) {
        undecodable.push({ message: raw, reason: `decode failed: ${(error as Error).message}`, attempts: 0 });
      }
    }
    await deadLetter(topic, partition, undecodable);
    if (!decoded.length) return 'done';

    const context = (attempt: number): BatchContext => ({
      topic,
      partition,
      attempt,
      commitOffset,
      heartbeat: payload.heartbeat,
      pause: payload.pause,
    });
    let lastError: unknown;
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      try {
        const result = await handleBatch(
          decoded.map(d => d.message),
          context(attempt),
        );
        processed.inc(labels, decoded.length);
        return result && result.commit === 'later' ? 'deferred' : 'done';
      } catch (error) {
        lastError = error;
        failed.inc(labels, decoded.length);
        logger.warn({ err: error, topic, partition, offset: decoded[0].raw.offset, attempt }, 'batch handler failed');
        if (attempt <= retries && !(await wait(backoffDelay(attempt, backoff), payload.heartbeat))) return 'interrupted';
      }
    }
    if (decoded.length === 1) {
      await deadLetter(topic, partition, [
        { message: decoded[0].raw, reason: (lastError as Error)?.message ?? String(lastError), attempts: retries + 1 },
      ]);
      return 'done';
    }
    // Find the poison messages: one more try each, alone; the good ones are handled, the rest dead-lettered.
    const poison: Failed[] = [];
    let deferred = false;
    for (const { raw, message } of decoded) {
      try {
        const result = await handleBatch([message], context(retries + 2));
        processed.inc(labels);
        deferred ||= !!result && result.commit === 'later';
      } catch (error) {
        failed.inc(labels);
        poison.push({ message: raw, reason: (error as Error)?.message ?? String(error), attempts: retries + 2 });
      }
    }
    await deadLetter(topic, partition, poison);
    return deferred ? 'deferred' : 'done';
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const lagLabels = { group: groupId, topic, partition: String(partition) };
    const highWatermark = BigInt(batch.highWatermark);
    lagPartitions.set(`${topic}:${partition}`, lagLabels);
    const setLag = (nextOffset: string) => {
      const value = highWatermark - BigInt(nextOffset);
      lag.set(lagLabels, Number(value > 0n ? value : 0n));
    };
    const messages = batch.messages;
    if (!messages.length) return;
    setLag(messages[0].offset);
    const size = options.maxBatchSize ?? messages.length;
    for (let start = 0; start < messages.length; start += size) {
      if (stopping || !isRunning() || isStale()) return;
      const slice = messages.slice(start, start + size);
      const last = start + size >= messages.length;
      // the last slice commits past any control records that end the fetched batch
      const commitOffset = { topic, partition, offset: next(last ? batch.lastOffset() : slice[slice.length - 1].offset) };
      const outcome = await handleSlice(batch, slice, commitOffset, payload);
      if (outcome === 'interrupted') return;
      resolveOffset(slice[slice.length - 1].offset);
      // through the batch's own commit: consumer.commitOffsets skips silently once stop() has begun
      if (outcome === 'done') await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: commitOffset.offset }] }] });
      setLag(commitOffset.offset);
      await payload.heartbeat();
    }
  }

  const batchConsumer: BatchConsumer = {
    consumer,
    async start() {
      if (running) return;
      running = true;
      stopping = false;
      // dead letters must have somewhere to go before the first one happens
      await ensureTopics(kafka, topics.map(topic => ({ topic: dlqTopic(topic), numPartitions: 1 })));
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch,
      });
    },
    async stop() {
      if (!running) return;
      stopping = true;
      wakeSleepers.forEach(wake => wake());
      try {
        // kafkajs waits for the batch in flight, which commits before it returns
        await consumer.disconnect();
      } finally {
        await producer.disconnect().catch(error => logger.warn({ err: error }, 'dead-letter producer disconnect failed'));
        running = false;
      }
    },
    commitOffsets: offsets => consumer.commitOffsets(offsets),
  };
  options.onShutdown?.(() => batchConsumer.stop());
  return batchConsumer;
}
