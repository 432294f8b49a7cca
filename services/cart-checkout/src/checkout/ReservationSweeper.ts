import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { ProductCatalog } from '../clients/ProductCatalog';

export interface ReservationSweeperOptions {
  pool: Pool;
  catalog: ProductCatalog;
  logger: Logger;
  /** An intent older than this without its order belongs to a checkout that died. */
  abandonedAfterMs: number;
  intervalMs: number;
}

/**
 * Gives back stock reserved by checkouts that never committed (the process died between the
 * reservation and the commit). Each checkout commits a reservation intent before reserving and
 * deletes it in the transaction that commits the order, so an old intent without an order is a leak.
 */
export class ReservationSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly options: ReservationSweeperOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweepOnce()
        .catch(error =>
          this.options.logger.warn(
            { err: error },
            'reservation sweep failed; will retry',
          ),
        )
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Releases abandoned reservations; returns how many it released. */
  async sweepOnce(): Promise<number> {
    const { pool, catalog, abandonedAfterMs } = this.options;
    const client = await pool.connect();
    let released = 0;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{
        order_id: string;
        has_order: boolean;
      }>(
        `SELECT i.order_id, EXISTS (SELECT 1 FROM orders o WHERE o.id = i.order_id) AS has_order
           FROM reservation_intents i
          WHERE i.created_at < now() - make_interval(secs => $1)
          ORDER BY i.created_at
          LIMIT 50
          FOR UPDATE OF i SKIP LOCKED`,
        [abandonedAfterMs / 1000],
      );
      for (const row of rows) {
        if (!row.has_order) {
          await catalog.release(row.order_id);
          released++;
          this.options.logger.warn(
            { orderId: row.order_id },
            'released the stock of an abandoned checkout',
          );
        }
        await client.query(
          'DELETE FROM reservation_intents WHERE order_id = $1',
          [row.order_id],
        );
      }
      await client.query('COMMIT');
      return released;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
