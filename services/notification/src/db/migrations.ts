import type { Migration } from '@platform/service-kit';

export const migrations: Migration[] = [
  {
    id: 1,
    name: 'notifications, their delivery attempts and the order events already recorded',
    sql: `
      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        channel text NOT NULL CHECK (channel IN ('email', 'sms')),
        recipient text NOT NULL,
        subject text,
        template text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        source text NOT NULL CHECK (source IN ('orders', 'api')),
        order_id text,
        event_id text,
        -- one notification per key: 'order-confirmation:<order>:<channel>' or 'request:<Idempotency-Key>'
        dedup_key text UNIQUE,
        request_hash text,
        -- awaiting-order: asked for over HTTP, waiting for the order's event to know the buyer's channels
        status text NOT NULL
          CHECK (status IN ('awaiting-order', 'queued', 'sent', 'failed', 'suppressed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        provider text,
        provider_message_id text,
        last_error text,
        dead_lettered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'queued';
      CREATE INDEX notifications_to_dead_letter ON notifications (updated_at)
        WHERE status = 'failed' AND dead_lettered_at IS NULL;

      CREATE TABLE delivery_attempts (
        notification_id uuid NOT NULL REFERENCES notifications (id),
        attempt integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        outcome text NOT NULL CHECK (outcome IN ('sent', 'failed', 'rejected')),
        error text,
        provider_message_id text,
        PRIMARY KEY (notification_id, attempt)
      );

      -- The orders events already recorded: a redelivered event finds its id here and changes nothing.
      CREATE TABLE processed_events (
        event_id text PRIMARY KEY,
        order_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];
