import type { Logger } from 'pino';
import type { Producer } from 'kafkajs';

export interface OutgoingRecord {
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** Kafka did not acknowledge the records in time: none of them may be reported as accepted. */
export class KafkaUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaUnavailableError';
  }
}

export interface EventPublisherOptions {
  /** An idempotent producer (`idempotent: true`, `maxInFlightRequests: 1`). */
  producer: Producer;
  /** Runs once before the first connection succeeds (creates the topics). */
  prepare: () => Promise<void>;
  /** Longest a publish waits before it fails with KafkaUnavailableError. */
  timeoutMs: number;
  logger: Logger;
  /** Told of every Kafka send (records, seconds) and of every failed one. */
  onSent?: (records: number, seconds: number) => void;
  onFailed?: () => void;
  /** Upper bound of records in one Kafka request. */
  maxRecordsPerSend?: number;
}

interface Pending {
  records: OutgoingRecord[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Publishes records with `acks: -1` and resolves only when Kafka acknowledged all of them. With one
 * request in flight (what an idempotent producer needs for ordering), a send per HTTP request would cap
 * throughput at one broker round trip per request; so the records of every request that arrives while a
 * send is in flight are coalesced into the next send, and each request is answered when the send that
 * carried its records is acknowledged.
 */
export class EventPublisher {
  private readonly queue: Pending[] = [];
  private readonly maxRecordsPerSend: number;
  private sending = false;
  private connected = false;
  private prepared = false;
  private connecting: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: EventPublisherOptions) {
    this.maxRecordsPerSend = options.maxRecordsPerSend ?? 5000;
    options.producer.on(options.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects (creating the topics first, once); fails with KafkaUnavailableError. */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (this.stopped)
      return Promise.reject(
        new KafkaUnavailableError('the publisher is stopped'),
      );
    this.connecting ??= (async () => {
      try {
        if (!this.prepared) {
          await this.options.prepare();
          this.prepared = true;
        }
        await this.options.producer.connect();
        this.connected = true;
      } catch (error) {
        throw new KafkaUnavailableError(
          `could not connect to Kafka: ${(error as Error).message}`,
          { cause: error },
        );
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  /** Resolves once Kafka acknowledged every record (all in-sync replicas). */
  publish(records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let done = false;
      let timer: NodeJS.Timeout | undefined = undefined;
      const settle = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        fn();
      };
      // a send still stuck after the deadline may land later: at least once, which eventId makes safe to dedupe
      timer = setTimeout(
        () =>
          settle(() =>
            reject(
              new KafkaUnavailableError(
                `Kafka did not acknowledge within ${this.options.timeoutMs} ms`,
              ),
            ),
          ),
        this.options.timeoutMs,
      );
      this.queue.push({
        records,
        resolve: () => settle(resolve),
        reject: error => settle(() => reject(error)),
      });
      this.flush();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connecting?.catch(() => undefined);
    await this.options.producer.disconnect().catch(() => undefined);
    this.connected = false;
  }

  private flush(): void {
    if (this.sending || this.queue.length === 0) return;
    this.sending = true;
    const batch: Pending[] = [];
    let count = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (
        batch.length > 0 &&
        count + next.records.length > this.maxRecordsPerSend
      )
        break;
      batch.push(this.queue.shift()!);
      count += next.records.length;
    }
    this.send(batch, count).finally(() => {
      this.sending = false;
      this.flush();
    });
  }

  private async send(batch: Pending[], count: number): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await this.connect();
      const byTopic = new Map<string, OutgoingRecord[]>();
      for (const { records } of batch)
        for (const record of records) {
          const list = byTopic.get(record.topic) ?? [];
          list.push(record);
          byTopic.set(record.topic, list);
        }
      await this.options.producer.sendBatch({
        acks: -1,
        timeout: this.options.timeoutMs,
        topicMessages: [...byTopic].map(([topic, records]) => ({
          topic,
          messages: records.map(({ key, value, headers }) => ({
            key,
            value,
            headers,
          })),
        })),
      });
      this.options.onSent?.(
        count,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      batch.forEach(pending => pending.resolve());
    } catch (error) {
      this.options.onFailed?.();
      this.options.logger.warn(
        { err: error, records: count },
        'publishing events to Kafka failed',
      );
      // start the next send from a fresh connection (and a fresh producer id)
      if (this.connected) {
        this.connected = false;
        await this.options.producer.disconnect().catch(() => undefined);
      }
      const failure =
        error instanceof KafkaUnavailableError
          ? error
          : new KafkaUnavailableError(
              `Kafka did not take the events: ${(error as Error).message}`,
              { cause: error },
            );
      batch.forEach(pending => pending.reject(failure));
    }
  }
}
