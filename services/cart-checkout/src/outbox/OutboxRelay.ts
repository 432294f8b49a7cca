import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { createOutboxRelay, type OutboxRelay, type OutboxRelayMetrics } from '@platform/service-kit';

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

export interface OrderOutboxRelayOptions {
  pool: Pool;
  sink: OutboxSink;
  logger: Logger;
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  metrics?: OutboxRelayMetrics;
}

/** The kit's relay over one destination of the outbox table, plus its backlog for tests. */
export interface OrderOutboxRelay extends OutboxRelay {
  destination: OutboxDestination;
  /** Rows not yet delivered (and not parked). */
  backlog(): Promise<number>;
}

/**
 * Moves outbox rows to their destination. Rows are claimed with FOR UPDATE SKIP LOCKED inside a
 * transaction that stays open until delivery is stamped, so replicas never deliver the same row at
 * the same time; a crash after delivery but before the stamp delivers it again (at least once, with
 * the row id as event id for consumer dedupe).
 */
export function createOrderOutboxRelay(options: OrderOutboxRelayOptions): OrderOutboxRelay {
  const { pool, sink } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const relay = createOutboxRelay<OutboxRow, PoolClient>({
    name: sink.destination,
    batchSize: sink.batchSize,
    pollIntervalMs,
    backoff: { maxMs: maxBackoffMs },
    logger: options.logger,
    metrics: options.metrics,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async fetchPending(limit, client) {
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, destination, topic, message_key, payload, attempts
           FROM outbox
          WHERE destination = $1 AND published_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
          ORDER BY created_at, id
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [sink.destination, limit],
      );
      return rows;
    },
    publish: rows => sink.deliver(rows),
    async markPublished(rows, client) {
      await client.query(
        'UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])',
        [rows.map(row => row.id)],
      );
    },
    async markFailed(rows, error, client) {
      const message = error instanceof Error ? error.message : String(error);
      // An ordered sink retries the same rows first, so it waits on the relay's backoff, not per row.
      const backoffSeconds = sink.ordered
        ? 0
        : Math.min(maxBackoffMs, pollIntervalMs * 2 ** Math.min(rows[0].attempts + 1, 16)) / 1000;
      await client.query(
        `UPDATE outbox
            SET attempts = attempts + 1,
                last_error = $2,
                next_attempt_at = now() + make_interval(secs => $3),
                gave_up_at = CASE WHEN $4::int IS NOT NULL AND attempts + 1 >= $4::int THEN now() END
          WHERE id = ANY($1::uuid[])`,
        [rows.map(row => row.id), message.slice(0, 1000), backoffSeconds, sink.maxAttempts ?? null],
      );
    },
    close: async () => sink.close?.(),
  });
  return {
    ...relay,
    destination: sink.destination,
    async backlog() {
      const { rows } = await pool.query<{ count: string }>(
        'SELECT count(*) FROM outbox WHERE destination = $1 AND published_at IS NULL AND gave_up_at IS NULL',
        [sink.destination],
      );
      return Number(rows[0].count);
    },
  };
}
