import type { Kafka, KafkaMessage } from 'kafkajs';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  BackoffOptions,
  BatchConsumer,
  BatchContext,
  CommitOffset,
  ConsumedMessage,
  createBatchConsumer,
  ensureTopics,
} from '@platform/service-kit';
import { HourPartition, hourEndMillis, hourPartitionOf, objectKey, parseObjectKey, partitionPrefix } from '../layout';
import { ParquetWriter } from '../parquet';
import { approximateRowBytes, LakeRow, lakeRowOf, TrackedEvent, trackedEventSchema } from '../schema';
import { LakeStore } from '../stores/types';
import { createLakeMetrics, LakeMetrics } from './metrics';
import { closeAtMillis, isFull, RollingPolicy } from './rolling';

export interface LakeSinkOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** partitions of a topic the sink creates because it is missing (as event-tracking-service creates them) */
  topicPartitions: number;
  /** the canonical store (S3) first, then the replica (Azure Blob Storage); a file is durable once in all */
  stores: LakeStore[];
  writer: ParquetWriter;
  rolling: RollingPolicy;
  /** how often open files are checked against their closing time */
  checkIntervalMs: number;
  registry: Registry;
  logger: Logger;
  /** delays between retries of a batch whose files could not be stored */
  backoff?: BackoffOptions;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /** runs after the files are in every store and before their offsets are committed (a crash point for tests) */
  beforeCommit?: (offset: CommitOffset) => Promise<void>;
  now?: () => number;
}

/** Events of one Kafka partition for one hour partition, not yet written. */
interface FileBuffer {
  partition: HourPartition;
  prefix: string;
  rows: LakeRow[];
  bytes: number;
  firstOffset: bigint;
  lastOffset: bigint;
  openedAt: number;
  closeAt: number;
  /** the Parquet bytes, once written (a retried upload sends the same bytes) */
  body?: Buffer;
  /** the stores that already hold it */
  storedIn: Set<string>;
}

interface OffsetRange {
  first: bigint;
  last: bigint;
}

/** What the sink holds for one Kafka partition it is assigned. */
class PartitionState {
  readonly open = new Map<string, FileBuffer>();
  /** closed files in closing order, waiting to be stored: stored strictly in this order */
  readonly closed: FileBuffer[] = [];
  /** the files already in the stores, per hour prefix, listed once per assignment */
  readonly covered = new Map<string, OffsetRange[]>();
  /** the highest offset taken into a buffer or skipped; a redelivered message at or below it is ignored */
  seen: bigint | undefined;
  /** the next offset to read after the last handled batch */
  next: bigint | undefined;
  committed: bigint | undefined;
  revoked = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** runs work on this partition one at a time (batches and the closing timer) */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  buffers(): FileBuffer[] {
    return [...this.closed, ...this.open.values()];
  }
}

const decodeEvent = (message: KafkaMessage): TrackedEvent =>
  trackedEventSchema.parse(JSON.parse(message.value?.toString('utf8') ?? 'null'));

/**
 * Consumes `events.<type>` and writes hourly Parquet files to every store; commits a Kafka offset only when every
 * event before it is in a file in every store. See docs/data-lake.md for the exactly-once argument.
 */
export class LakeSink {
  private readonly consumer: BatchConsumer;
  private readonly states = new Map<string, PartitionState>();
  private readonly metrics: LakeMetrics;
  private readonly logger: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private running = false;

  constructor(private readonly options: LakeSinkOptions) {
    this.logger = options.logger.child({ component: 'lake-sink' });
    this.now = options.now ?? Date.now;
    this.metrics = createLakeMetrics(options.registry, {
      oldestBufferedAt: () => {
        const opened = [...this.states.values()].flatMap(s => s.buffers().map(b => b.openedAt));
        return opened.length ? Math.min(...opened) : undefined;
      },
      bufferedRows: () =>
        [...this.states.values()].reduce((sum, s) => sum + s.buffers().reduce((n, b) => n + b.rows.length, 0), 0),
      pastHourRows: () => {
        const now = this.now();
        return [...this.states.values()].reduce(
          (sum, s) => sum + s.buffers().reduce((n, b) => n + (hourEndMillis(b.partition) <= now ? b.rows.length : 0), 0),
          0,
        );
      },
    });
    this.consumer = createBatchConsumer<TrackedEvent>({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: options.topics,
      decode: decodeEvent,
      handleBatch: (messages, context) => this.handleBatch(messages, context),
      // a store outage is not a poison message: retry until the store is back, never dead-letter for it
      retries: Number.MAX_SAFE_INTEGER,
      backoff: options.backoff,
      fromBeginning: true,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      registry: options.registry,
      logger: options.logger,
      consumerConfig: options.sessionTimeoutMs
        ? { sessionTimeout: options.sessionTimeoutMs, heartbeatInterval: Math.floor(options.sessionTimeoutMs / 6) }
        : undefined,
    });
    // a partition given to another member is forgotten here: its buffers are replayed there from the commit
    this.consumer.consumer.on(this.consumer.consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map(p => `${topic}:${p}`)),
      );
      for (const [key, state] of this.states) {
        if (!assigned.has(key)) {
          state.revoked = true;
          this.states.delete(key);
        }
      }
    });
  }

  async start(): Promise<void> {
    // a store that is down at start is created later, before its first use: its outage is retried like any other
    await Promise.all(this.options.stores.map(store => this.ensure(store).catch(() => undefined)));
    const { kafka, topics, topicPartitions } = this.options;
    await ensureTopics(
      kafka,
      topics.flatMap(topic => [
        { topic, numPartitions: topicPartitions },
        { topic: `${topic}.dlq`, numPartitions: 1 },
      ]),
    );
    await this.consumer.start();
    this.running = true;
    this.timer = setInterval(() => void this.closeDueFiles(), this.options.checkIntervalMs);
  }

  /** Stops fetching, stores and commits every open file (best effort: what fails is replayed), then leaves the group. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.running) {
      this.running = false;
      this.consumer.consumer.pause(this.options.topics.map(topic => ({ topic })));
      await Promise.all(
        [...this.states.values()].map(state =>
          state
            .exclusive(async () => {
              for (const buffer of state.open.values()) state.closed.push(buffer);
              state.open.clear();
              await this.storeClosed(state);
              await this.commit(state);
            })
            .catch(error => this.logger.warn({ err: error, topic: state.topic, partition: state.partition }, 'drain failed; the files are replayed')),
        ),
      );
    }
    await this.consumer.stop();
  }

  private stateFor(topic: string, partition: number): PartitionState {
    const key = `${topic}:${partition}`;
    let state = this.states.get(key);
    if (!state) {
      state = new PartitionState(topic, partition);
      this.states.set(key, state);
    }
    return state;
  }

  private async handleBatch(messages: ConsumedMessage<TrackedEvent>[], context: BatchContext) {
    const state = this.stateFor(context.topic, context.partition);
    return state.exclusive(async () => {
      for (const message of messages) {
        const offset = BigInt(message.offset);
        if (state.seen !== undefined && offset <= state.seen) continue;
        const row = lakeRowOf(message.value, message);
        const partition = hourPartitionOf(row.type, row.ts);
        if (await this.isStored(state, partition, offset)) {
          this.metrics.replaySkipped.inc({ type: row.type });
        } else {
          this.append(state, partition, row);
        }
        state.seen = offset;
        await context.heartbeat();
      }
      state.next = BigInt(context.commitOffset.offset);
      this.closeDue(state);
      await this.storeClosed(state);
      await this.commit(state);
      return { commit: 'later' as const };
    });
  }

  private append(state: PartitionState, partition: HourPartition, row: LakeRow) {
    const prefix = partitionPrefix(partition);
    let buffer = state.open.get(prefix);
    if (!buffer) {
      const openedAt = this.now();
      buffer = {
        partition,
        prefix,
        rows: [],
        bytes: 0,
        firstOffset: row.kafkaOffset,
        lastOffset: row.kafkaOffset,
        openedAt,
        closeAt: closeAtMillis(hourEndMillis(partition), openedAt, this.options.rolling),
        storedIn: new Set(),
      };
      state.open.set(prefix, buffer);
    }
    buffer.rows.push(row);
    buffer.bytes += approximateRowBytes(row);
    buffer.lastOffset = row.kafkaOffset;
    if (isFull(buffer.rows.length, buffer.bytes, this.options.rolling)) {
      state.open.delete(prefix);
      state.closed.push(buffer);
    }
  }

  private closeDue(state: PartitionState) {
    const now = this.now();
    for (const [prefix, buffer] of state.open) {
      if (buffer.closeAt <= now) {
        state.open.delete(prefix);
        state.closed.push(buffer);
      }
    }
  }

  /**
   * True when a file of this Kafka partition in the stores already holds the offset (a replay after a crash
   * between storing and committing). The hour's files are listed once; a file in only one store is copied to
   * the other first, so both stores hold the same files.
   */
  private async isStored(state: PartitionState, partition: HourPartition, offset: bigint): Promise<boolean> {
    const prefix = partitionPrefix(partition);
    let ranges = state.covered.get(prefix);
    if (!ranges) {
      ranges = await this.listStored(state, prefix);
      state.covered.set(prefix, ranges);
    }
    return ranges.some(range => range.first <= offset && offset <= range.last);
  }

  private async listStored(state: PartitionState, prefix: string): Promise<OffsetRange[]> {
    const { stores } = this.options;
    const listings = await Promise.all(
      stores.map(store => this.storeOp(store, 'list', () => store.list(prefix))),
    );
    const ours = (keys: string[]) =>
      new Set(
        keys.filter(key => {
          const object = parseObjectKey(key);
          return object && object.topic === state.topic && object.partition === state.partition;
        }),
      );
    const held = listings.map(ours);
    const all = new Set(held.flatMap(keys => [...keys]));
    for (const key of all) {
      const source = stores[held.findIndex(keys => keys.has(key))];
      for (const [index, store] of stores.entries()) {
        if (held[index].has(key)) continue;
        const body = await this.storeOp(source, 'get', () => source.get(key));
        await this.storeOp(store, 'put', () => store.put(key, body));
        this.metrics.repaired.inc({ store: store.name });
        this.logger.info({ key, from: source.name, to: store.name }, 'file copied to the store that lacked it');
      }
    }
    return [...all].map(key => {
      const object = parseObjectKey(key)!;
      return { first: object.firstOffset, last: object.lastOffset };
    });
  }

  private readonly ensured = new Set<string>();

  private async ensure(store: LakeStore): Promise<void> {
    if (this.ensured.has(store.name)) return;
    await store.ensure().catch(error => {
      this.metrics.storeErrors.inc({ store: store.name, operation: 'ensure' });
      this.logger.warn({ err: error, store: store.name }, 'bucket or container not ensured; retried');
      throw error;
    });
    this.ensured.add(store.name);
  }

  private async storeOp<T>(store: LakeStore, operation: string, work: () => Promise<T>): Promise<T> {
    await this.ensure(store);
    try {
      return await work();
    } catch (error) {
      this.metrics.storeErrors.inc({ store: store.name, operation });
      throw error;
    }
  }

  /** Writes and stores the closed files in closing order; throws at the first store that fails (retried later). */
  private async storeClosed(state: PartitionState): Promise<void> {
    while (state.closed.length) {
      if (state.revoked) throw new Error(`${state.topic}:${state.partition} was assigned to another member`);
      const buffer = state.closed[0];
      const key = objectKey(buffer.partition, {
        topic: state.topic,
        partition: state.partition,
        firstOffset: buffer.firstOffset,
        lastOffset: buffer.lastOffset,
      });
      buffer.body ??= await this.options.writer.write(buffer.rows);
      const body = buffer.body;
      const results = await Promise.allSettled(
        this.options.stores
          .filter(store => !buffer.storedIn.has(store.name))
          .map(async store => {
            const stopTimer = this.metrics.uploadDuration.startTimer({ store: store.name });
            await this.storeOp(store, 'put', () => store.put(key, body));
            stopTimer();
            buffer.storedIn.add(store.name);
            this.metrics.filesWritten.inc({ store: store.name, type: buffer.partition.type });
          }),
      );
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) {
        this.logger.warn({ err: failure.reason, key }, 'file not stored in every store; retried');
        throw failure.reason;
      }
      state.closed.shift();
      state.covered.get(buffer.prefix)?.push({ first: buffer.firstOffset, last: buffer.lastOffset });
      this.metrics.rowsWritten.inc({ type: buffer.partition.type }, buffer.rows.length);
      this.logger.debug({ key, rows: buffer.rows.length }, 'file stored');
    }
  }

  /** Commits the first offset not yet in every store: the first offset of any buffered file, else the next to read. */
  private async commit(state: PartitionState): Promise<void> {
    if (state.next === undefined || state.revoked) return;
    const target = state.buffers().reduce((min, b) => (b.firstOffset < min ? b.firstOffset : min), state.next);
    if (state.committed !== undefined && target <= state.committed) return;
    const offset = { topic: state.topic, partition: state.partition, offset: target.toString() };
    await this.options.beforeCommit?.(offset);
    await this.consumer.commitOffsets([offset]);
    state.committed = target;
    // files wholly before the commit cannot hold an offset read again; an hour listed again costs one list
    for (const [prefix, ranges] of state.covered) {
      if (ranges.every(range => range.last < target)) state.covered.delete(prefix);
    }
  }

  /**
   * The timer: closes files whose time has come, stores them and commits. Partitions run side by side, as many at
   * once as are consumed concurrently (each one's files still strictly in closing order): a replay or a backfill of
   * past hours closes thousands of small files at once, and one at a time would leave the sink waiting on the
   * stores' round trips.
   */
  private async closeDueFiles(): Promise<void> {
    if (this.checking || !this.running) return;
    this.checking = true;
    try {
      const now = this.now();
      const due = [...this.states.values()].filter(
        state => state.closed.length > 0 || [...state.open.values()].some(buffer => buffer.closeAt <= now),
      );
      const closeOne = (state: PartitionState) =>
        state
          .exclusive(async () => {
            this.closeDue(state);
            await this.storeClosed(state);
            await this.commit(state);
          })
          .catch(error =>
            this.logger.warn({ err: error, topic: state.topic, partition: state.partition }, 'closing files failed; retried'),
          );
      const limit = pLimit(this.options.partitionsConsumedConcurrently ?? 1);
      await Promise.all(due.map(state => limit(() => closeOne(state))));
    } finally {
      this.checking = false;
    }
  }
}
