import type { Migration } from '@platform/service-kit';

export const migrations: Migration[] = [
  {
    id: 1,
    name: 'carts, orders, idempotent checkout requests and the outbox',
    sql: `
      CREATE TABLE cart_items (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        product_id text NOT NULL,
        product_name text,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price numeric(12, 2) NOT NULL CHECK (unit_price >= 0),
        currency char(3) NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, product_id)
      );

      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        email text,
        total numeric(12, 2) NOT NULL CHECK (total >= 0),
        currency char(3) NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX orders_user_created ON orders (user_id, created_at DESC);

      CREATE TABLE order_items (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id),
        product_id text NOT NULL,
        product_name text,
        quantity integer NOT NULL CHECK (quantity > 0),
        price numeric(12, 2) NOT NULL CHECK (price >= 0)
      );
      CREATE INDEX order_items_order ON order_items (order_id);

      -- One row per (user, Idempotency-Key): the primary key makes a second order for a key impossible.
      CREATE TABLE checkout_requests (
        user_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        cart_fingerprint text NOT NULL,
        order_id uuid NOT NULL REFERENCES orders (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, idempotency_key)
      );

      -- Written in the same transaction as the change it announces; relays deliver and stamp published_at.
      CREATE TABLE outbox (
        id uuid PRIMARY KEY,
        destination text NOT NULL CHECK (destination IN ('kafka', 'notification', 'stock-release')),
        topic text,
        message_key text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        gave_up_at timestamptz
      );
      CREATE INDEX outbox_due ON outbox (destination, next_attempt_at, created_at)
        WHERE published_at IS NULL AND gave_up_at IS NULL;
    `,
  },
  {
    id: 2,
    name: 'reservation intents, so stock reserved by a checkout that never committed is given back',
    sql: `
      -- Committed before stock is reserved; deleted in the transaction that commits the order.
      CREATE TABLE reservation_intents (
        order_id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];
