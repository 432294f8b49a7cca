import { createHash, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { OrderEvent } from '../orders/orderEvent';
import { render, TemplateDataError } from '../templates/templates';
import type { Recipient } from '../users/UserDirectory';
import {
  CHANNELS,
  providerOf,
  type Channel,
  type DeliveryAttempt,
  type Notification,
  type NotificationRequest,
  type NotificationStatus,
  type Provider,
} from './model';

export interface NotificationRow {
  id: string;
  channel: Channel;
  recipient: string;
  subject: string | null;
  template: string;
  data: Record<string, unknown>;
  source: 'orders' | 'api';
  order_id: string | null;
  event_id: string | null;
  request_hash: string | null;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: Date;
  provider: Provider | null;
  provider_message_id: string | null;
  last_error: string | null;
  dead_lettered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface AttemptRow {
  attempt: number;
  at: Date;
  outcome: DeliveryAttempt['outcome'];
  error: string | null;
  provider_message_id: string | null;
}

/** The Idempotency-Key was used before for a different request. */
export class IdempotencyConflictError extends Error {}

export type AttemptOutcome =
  | { kind: 'sent'; providerMessageId: string }
  | { kind: 'failed'; error: string; permanent: boolean };

export interface RetryPolicy {
  maxAttempts: number;
  /** the wait before attempt `attempt + 1` after `attempt` failed */
  delayMs(attempt: number): number;
}

const COLUMNS = `id, channel, recipient, subject, template, data, source, order_id, event_id, request_hash, status, attempts,
  next_attempt_at, provider, provider_message_id, last_error, dead_lettered_at, created_at, updated_at`;

const orderKey = (orderId: string, channel: Channel) =>
  `order-confirmation:${orderId}:${channel}`;

/** The order's confirmations and HTTP requests for it wait for each other on this lock (per order). */
const lockOrder = (client: PoolClient, orderId: string) =>
  client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `notification-order:${orderId}`,
  ]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const requestHash = (request: NotificationRequest) =>
  createHash('sha256')
    .update(
      JSON.stringify([
        request.channel,
        request.to,
        request.subject ?? null,
        request.template,
        request.data ?? {},
      ]),
    )
    .digest('hex');

export function toNotification(
  row: NotificationRow,
  attempts: AttemptRow[],
): Notification {
  return {
    id: row.id,
    channel: row.channel,
    to: row.recipient,
    ...(row.subject !== null ? { subject: row.subject } : {}),
    template: row.template,
    source: row.source,
    ...(row.order_id !== null ? { orderId: row.order_id } : {}),
    status: row.status,
    attempts: row.attempts,
    deliveryAttempts: attempts.map(a => ({
      attempt: a.attempt,
      at: a.at.toISOString(),
      outcome: a.outcome,
      ...(a.error !== null ? { error: a.error } : {}),
      ...(a.provider_message_id !== null
        ? { providerMessageId: a.provider_message_id }
        : {}),
    })),
    ...(row.status === 'queued'
      ? { nextAttemptAt: row.next_attempt_at.toISOString() }
      : {}),
    ...(row.provider !== null ? { provider: row.provider } : {}),
    ...(row.provider_message_id !== null
      ? { providerMessageId: row.provider_message_id }
      : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** PostgreSQL: notifications, their attempts, and the order events already recorded. */
export class NotificationStore {
  constructor(private readonly pool: Pool) {}

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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
  }

  /**
   * Records the confirmation of a paid order, once per event id and once per order and channel: a queued
   * notification for each channel the buyer wants (taking over one asked for over HTTP), and a request for a
   * channel the buyer does not want is suppressed. Returns the ids queued; a redelivered event queues none.
   */
  async recordOrderConfirmation(
    event: OrderEvent,
    recipient: Recipient,
  ): Promise<{ duplicate: boolean; queued: string[] }> {
    return this.transaction(async client => {
      await lockOrder(client, event.orderId);
      const fresh = await client.query(
        'INSERT INTO processed_events (event_id, order_id) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id',
        [event.eventId, event.orderId],
      );
      if (fresh.rowCount === 0) return { duplicate: true, queued: [] };
      const queued: string[] = [];
      for (const channel of CHANNELS) {
        const address = channel === 'email' ? recipient.email : recipient.phone;
        const key = orderKey(event.orderId, channel);
        if (recipient.channels.includes(channel) && address) {
          const { rows } = await client.query<{ id: string }>(
            `INSERT INTO notifications (id, channel, recipient, template, data, source, order_id, event_id, dedup_key, status)
             VALUES ($1, $2, $3, 'order-confirmation', $4, 'orders', $5, $6, $7, 'queued')
             ON CONFLICT (dedup_key) DO UPDATE
               SET status = 'queued', recipient = EXCLUDED.recipient, data = EXCLUDED.data, event_id = EXCLUDED.event_id,
                   next_attempt_at = now(), updated_at = now()
               WHERE notifications.status = 'awaiting-order'
             RETURNING id`,
            [
              randomUUID(),
              channel,
              address,
              JSON.stringify(event),
              event.orderId,
              event.eventId,
              key,
            ],
          );
          queued.push(...rows.map(row => row.id));
        } else {
          const reason = recipient.channels.includes(channel)
            ? `the buyer has no ${
                channel === 'sms' ? 'phone number' : 'e-mail address'
              }`
            : `the buyer does not want ${channel} notifications`;
          await client.query(
            `UPDATE notifications SET status = 'suppressed', last_error = $2, event_id = $3, updated_at = now()
              WHERE dedup_key = $1 AND status = 'awaiting-order'`,
            [key, reason, event.eventId],
          );
        }
      }
      return { duplicate: false, queued };
    });
  }

  /**
   * POST /notifications. An order confirmation (data.orderId) is the one notification of that order and channel:
   * it answers the existing one, or waits for the order's event (which knows the buyer's channels). Anything else
   * is queued at once, once per Idempotency-Key.
   */
  async request(
    request: NotificationRequest,
    idempotencyKey?: string,
  ): Promise<{ created: boolean; notification: Notification }> {
    const data = request.data ?? {};
    const hash = requestHash(request);
    if (request.template === 'order-confirmation') {
      const orderId = data.orderId;
      if (typeof orderId !== 'string' || !UUID.test(orderId)) {
        throw new TemplateDataError(
          'order-confirmation needs data.orderId, the order id (a UUID)',
        );
      }
      return this.transaction(async client => {
        await lockOrder(client, orderId);
        const existing = await this.byKey(
          client,
          orderKey(orderId, request.channel),
        );
        if (existing) return { created: false, notification: existing };
        // the order's event came first and the buyer does not want this channel
        const decided = await client.query(
          'SELECT 1 FROM processed_events WHERE order_id = $1 LIMIT 1',
          [orderId],
        );
        const status: NotificationStatus = decided.rowCount
          ? 'suppressed'
          : 'awaiting-order';
        const { rows } = await client.query<NotificationRow>(
          `INSERT INTO notifications (id, channel, recipient, subject, template, data, source, order_id, dedup_key, request_hash, status, last_error)
           VALUES ($1, $2, $3, $4, 'order-confirmation', $5, 'api', $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
          [
            randomUUID(),
            request.channel,
            request.to,
            request.subject ?? null,
            JSON.stringify(data),
            orderId,
            orderKey(orderId, request.channel),
            hash,
            status,
            status === 'suppressed'
              ? `the buyer does not want ${request.channel} notifications`
              : null,
          ],
        );
        return { created: true, notification: toNotification(rows[0], []) };
      });
    }
    // refuse what cannot be rendered now, not after the 202
    render(request.template, request.channel, data, request.subject);
    const key = idempotencyKey ? `request:${idempotencyKey}` : null;
    const inserted = await this.pool.query<NotificationRow>(
      `INSERT INTO notifications (id, channel, recipient, subject, template, data, source, dedup_key, request_hash, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'api', $7, $8, 'queued')
       ON CONFLICT (dedup_key) DO NOTHING RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        request.channel,
        request.to,
        request.subject ?? null,
        request.template,
        JSON.stringify(data),
        key,
        hash,
      ],
    );
    if (inserted.rows[0])
      return {
        created: true,
        notification: toNotification(inserted.rows[0], []),
      };
    const client = await this.pool.connect();
    try {
      const first = (await this.byKey(client, key!))!;
      const { rows } = await client.query<{ request_hash: string }>(
        'SELECT request_hash FROM notifications WHERE id = $1',
        [first.id],
      );
      if (rows[0].request_hash !== hash) {
        throw new IdempotencyConflictError(
          'this Idempotency-Key was used for a different notification; use a new key',
        );
      }
      return { created: false, notification: first };
    } finally {
      client.release();
    }
  }

  async get(
    id: string,
    client: Pool | PoolClient = this.pool,
  ): Promise<Notification | undefined> {
    const { rows } = await client.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications WHERE id = $1`,
      [id],
    );
    if (!rows[0]) return undefined;
    const attempts = await client.query<AttemptRow>(
      'SELECT attempt, at, outcome, error, provider_message_id FROM delivery_attempts WHERE notification_id = $1 ORDER BY attempt',
      [id],
    );
    return toNotification(rows[0], attempts.rows);
  }

  private async byKey(
    client: PoolClient,
    key: string,
  ): Promise<Notification | undefined> {
    const { rows } = await client.query<{ id: string }>(
      'SELECT id FROM notifications WHERE dedup_key = $1',
      [key],
    );
    return rows[0] ? this.get(rows[0].id, client) : undefined;
  }

  /** Due notifications, claimed for this transaction: another replica skips them until it ends. */
  async claimDue(
    client: PoolClient,
    limit: number,
  ): Promise<NotificationRow[]> {
    const { rows } = await client.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications
        WHERE status = 'queued' AND next_attempt_at <= now()
        ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows;
  }

  /**
   * The outcomes of one pass, two statements whatever its size: each attempt's row, and each notification sent,
   * due again after the policy's wait, or failed for good (a refusal, or the last attempt). Returns the new statuses.
   */
  async recordAttempts(
    client: PoolClient,
    attempted: Array<{ row: NotificationRow; outcome: AttemptOutcome }>,
    policy: RetryPolicy,
  ): Promise<NotificationStatus[]> {
    const updates = attempted.map(({ row, outcome }) => {
      const attempt = row.attempts + 1;
      if (outcome.kind === 'sent') {
        return {
          row,
          attempt,
          status: 'sent' as const,
          outcome: 'sent',
          error: null,
          messageId: outcome.providerMessageId,
          waitS: 0,
        };
      }
      const giveUp = outcome.permanent || attempt >= policy.maxAttempts;
      return {
        row,
        attempt,
        status: giveUp ? ('failed' as const) : ('queued' as const),
        outcome: outcome.permanent ? 'rejected' : 'failed',
        error: outcome.error.slice(0, 1000),
        messageId: null,
        waitS: giveUp ? 0 : policy.delayMs(attempt) / 1000,
      };
    });
    const column = <T>(pick: (u: (typeof updates)[number]) => T) =>
      updates.map(pick);
    await client.query(
      `INSERT INTO delivery_attempts (notification_id, attempt, outcome, error, provider_message_id)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[])`,
      [
        column(u => u.row.id),
        column(u => u.attempt),
        column(u => u.outcome),
        column(u => u.error),
        column(u => u.messageId),
      ],
    );
    await client.query(
      `UPDATE notifications AS n
          SET status = u.status, attempts = u.attempt, provider = u.provider, updated_at = now(),
              provider_message_id = COALESCE(u.message_id, n.provider_message_id),
              last_error = u.error,
              next_attempt_at = now() + make_interval(secs => u.wait_s)
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::float8[])
              AS u (id, status, attempt, provider, message_id, error, wait_s)
        WHERE n.id = u.id`,
      [
        column(u => u.row.id),
        column(u => u.status),
        column(u => u.attempt),
        column(u => providerOf[u.row.channel]),
        column(u => u.messageId),
        column(u => u.error),
        column(u => u.waitS),
      ],
    );
    return updates.map(u => u.status);
  }

  /** Failed notifications not yet on the dead-letter topic, claimed like claimDue. */
  async claimFailed(
    client: PoolClient,
    limit: number,
  ): Promise<NotificationRow[]> {
    const { rows } = await client.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications
        WHERE status = 'failed' AND dead_lettered_at IS NULL
        ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows;
  }

  async markDeadLettered(client: PoolClient, ids: string[]): Promise<void> {
    await client.query(
      'UPDATE notifications SET dead_lettered_at = now() WHERE id = ANY($1::uuid[])',
      [ids],
    );
  }

  /** For the gauges: notifications by status that still need something done. */
  async backlog(): Promise<{
    queued: number;
    awaitingOrder: number;
    failedNotDeadLettered: number;
  }> {
    const { rows } = await this.pool.query<{
      queued: string;
      awaiting: string;
      failed: string;
    }>(
      `SELECT count(*) FILTER (WHERE status = 'queued') AS queued,
              count(*) FILTER (WHERE status = 'awaiting-order') AS awaiting,
              count(*) FILTER (WHERE status = 'failed' AND dead_lettered_at IS NULL) AS failed
         FROM notifications WHERE status IN ('queued', 'awaiting-order', 'failed')`,
    );
    return {
      queued: Number(rows[0].queued),
      awaitingOrder: Number(rows[0].awaiting),
      failedNotDeadLettered: Number(rows[0].failed),
    };
  }
}
