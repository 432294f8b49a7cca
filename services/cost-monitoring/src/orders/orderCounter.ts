import { Pool } from 'pg';
import { addDays, type Day } from '../domain/dates';

export type OrderCount =
  | { available: true; count: number; source: string }
  | { available: false; reason: string };

/** Counts the checkout service's orders of a period; unavailable is an answer, never an invented number. */
export interface OrderCounter {
  countOrders(from: Day, to: Day): Promise<OrderCount>;
  close(): Promise<void>;
}

/**
 * Reads the cart-checkout service's `orders` table (read-only; cancelled orders are not units of work).
 * The checkout API has no aggregate endpoint, so this is the one place the count exists.
 */
export function createPostgresOrderCounter(connectionString: string | undefined): OrderCounter {
  if (!connectionString) {
    return {
      async countOrders() {
        return { available: false, reason: 'ORDERS_DATABASE_URL is not configured' };
      },
      async close() {},
    };
  }
  const pool = new Pool({ connectionString, max: 2, connectionTimeoutMillis: 2_000, statement_timeout: 5_000 });
  // An unreachable orders database must not crash the cost service; queries report it instead.
  pool.on('error', () => undefined);
  const database = new URL(connectionString).pathname.slice(1);
  return {
    async countOrders(from, to) {
      try {
        const { rows } = await pool.query(
          `SELECT count(*)::int AS count FROM orders
           WHERE created_at >= $1::date AND created_at < $2::date AND status <> 'cancelled'`,
          [from, addDays(to, 1)],
        );
        return { available: true, count: rows[0].count, source: `postgres:${database}.orders` };
      } catch (error) {
        return { available: false, reason: `orders database ${database} unavailable: ${(error as Error).message}` };
      }
    },
    close: () => pool.end(),
  };
}
