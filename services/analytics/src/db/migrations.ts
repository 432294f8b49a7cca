import type { Migration } from '@platform/service-kit';

/**
 * The closed windows of analytics-results, one row per window identity (the topic's key): a redelivered result
 * overwrites its own row with the same numbers, so the projection is idempotent. `experiment_key` and `variant` are
 * '' for all traffic.
 */
export const migrations: Migration[] = [
  {
    id: 1,
    name: 'interaction, order and top-product windows',
    sql: `
      CREATE TABLE interaction_windows (
        window_size text NOT NULL CHECK (window_size IN ('1m', '1h')),
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        experiment_key text NOT NULL,
        variant text NOT NULL,
        views bigint NOT NULL,
        clicks bigint NOT NULL,
        carts bigint NOT NULL,
        purchases bigint NOT NULL,
        sessions bigint NOT NULL,
        converted_sessions bigint NOT NULL,
        ctr double precision NOT NULL,
        conversion_rate double precision NOT NULL,
        projected_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (window_size, experiment_key, variant, window_start)
      );
      CREATE TABLE order_windows (
        window_size text NOT NULL CHECK (window_size = '5m'),
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        orders bigint NOT NULL,
        revenue numeric(18, 2) NOT NULL,
        average_order_value numeric(18, 2) NOT NULL,
        projected_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (window_size, window_start)
      );
      CREATE TABLE top_products (
        window_size text NOT NULL CHECK (window_size = '5m'),
        window_start timestamptz NOT NULL,
        rank integer NOT NULL,
        window_end timestamptz NOT NULL,
        product_id text NOT NULL,
        quantity bigint NOT NULL,
        revenue numeric(18, 2) NOT NULL,
        PRIMARY KEY (window_size, window_start, rank)
      );
    `,
  },
];
