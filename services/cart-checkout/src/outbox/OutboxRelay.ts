import type { Pool } from 'pg';
import type { Logger } from 'pino';

export type OutboxDestination = 'kafka' | 'notification' | 'stock-release';

export interface OutboxRow {
  id: string;
  destination: OutboxDestination;
  topic: string | null;
  message_key: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Delivers one batch; throwing leaves every row of the batch for a later attempt. */
export interface OutboxSink {
  destination: OutboxDestination;
  batchSize: number;
  /** After this many failed attempts a row is parked (gave_up_at) instead of retried; undefined = forever. */
  maxAttempts?: number;
  /**
   * Ordered sinks (Kafka) are retried in creation order: a failed batch is not rescheduled past newer
   * rows, so an order's `paid` event can never overtake its `pending` one.
   */
  ordered?: boolean;
  deliver(rows: OutboxRow[]): Promise<void>;
  /** Releases connections when the relay stops. */
  close?(): Promise<void>;
}

export interface OutboxRelayOptions {
  pool: Pool;
  sink: OutboxSink;
  logger: Logger;
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  /** Told how many rows each successful batch delivered, and of every failed batch (for metrics). */
  onDelivered?: (count: number) => void;
  onFailed?: () => void;
}

/**
 * Moves outbox rows to their destination. Rows are claimed with FOR UPDATE SKIP LOCKED inside a
 * transaction that stays open until delivery is stamped, so replicas never deliver the same row at
 * the same time; a crash after delivery but before the stamp delivers it again (at least once, with
 * the row id as event id for consumer dedupe).
 */
export class OutboxRelay {
  private readonly pollIntervalMs: number;
  private readonly maxBackoffMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private consecutiveFailures = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
    await this.options.sink.close?.().catch(() => undefined);
  }

  /** Delivers one batch of due rows; returns how many were delivered. */
  async drainOnce(): Promise<number> {
    const { pool, sink, logger } = this.options;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, destination, topic, message_key, payload, attempts
           FROM outbox
          WHERE destination = $1 AND published_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
          ORDER BY created_at, id
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [sink.destination, sink.batchSize],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const ids = rows.map(row => row.id);
      try {
        await sink.deliver(rows);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const backoffSeconds = sink.ordered
          ? 0
          : Math.min(
              this.maxBackoffMs,
              this.pollIntervalMs * 2 ** Math.min(rows[0].attempts + 1, 16),
            ) / 1000;
        await client.query(
          `UPDATE outbox
              SET attempts = attempts + 1,
                  last_error = $2,
                  next_attempt_at = now() + make_interval(secs => $3),
                  gave_up_at = CASE WHEN $4::int IS NOT NULL AND attempts + 1 >= $4::int THEN now() END
            WHERE id = ANY($1::uuid[])`,
          [
            ids,
            message.slice(0, 1000),
            backoffSeconds,
            sink.maxAttempts ?? null,
          ],
        );
        await client.query('COMMIT');
        this.options.onFailed?.();
        throw error;
      }
      await client.query(
        'UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])',
        [ids],
      );
      await client.query('COMMIT');
      this.options.onDelivered?.(rows.length);
      logger.debug(
        { destination: sink.destination, count: rows.length },
        'outbox rows delivered',
      );
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Rows not yet delivered (and not parked), for metrics and tests. */
  async backlog(): Promise<number> {
    const { rows } = await this.options.pool.query<{ count: string }>(
      'SELECT count(*) FROM outbox WHERE destination = $1 AND published_at IS NULL AND gave_up_at IS NULL',
      [this.options.sink.destination],
    );
    return Number(rows[0].count);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delivered = 0;
      try {
        delivered = await this.drainOnce();
        this.consecutiveFailures = 0;
      } catch (error) {
        this.consecutiveFailures += 1;
        this.options.logger.warn(
          {
            err: error,
            destination: this.options.sink.destination,
            failures: this.consecutiveFailures,
          },
          'outbox delivery failed; will retry',
        );
      }
      if (delivered === this.options.sink.batchSize) continue;
      const delay = this.consecutiveFailures
        ? Math.min(
            this.maxBackoffMs,
            this.pollIntervalMs * 2 ** this.consecutiveFailures,
          )
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
