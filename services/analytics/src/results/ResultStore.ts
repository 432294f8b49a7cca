import type { Pool } from 'pg';
import type { WindowResult } from './windowResult';

export const INTERACTION_METRICS = {
  views: 'views',
  clicks: 'clicks',
  carts: 'carts',
  purchases: 'purchases',
  sessions: 'sessions',
  convertedSessions: 'converted_sessions',
  ctr: 'ctr',
  conversionRate: 'conversion_rate',
} as const;
export const ORDER_METRICS = {
  orders: 'orders',
  revenue: 'revenue',
  averageOrderValue: 'average_order_value',
} as const;
export type InteractionMetric = keyof typeof INTERACTION_METRICS;
export type OrderMetric = keyof typeof ORDER_METRICS;
export type Metric = InteractionMetric | OrderMetric;
export type WindowSize = '1m' | '1h' | '5m';

export const isOrderMetric = (metric: Metric): metric is OrderMetric => metric in ORDER_METRICS;

export interface SeriesPoint {
  windowStart: string;
  windowEnd: string;
  value: number;
}

export interface VariantOutcome {
  variant: string;
  views: number;
  clicks: number;
  carts: number;
  purchases: number;
  sessions: number;
  convertedSessions: number;
  ctr: number;
  conversionRate: number;
}

const iso = (value: Date) => value.toISOString().replace('.000Z', 'Z');
const num = (value: string | number) => Number(value);

/** PostgreSQL projection of analytics-results: upserts keyed by the window, and the queries of the API. */
export class ResultStore {
  constructor(private readonly pool: Pool) {}

  /** writes a batch of results in one transaction; a result seen before overwrites its row with the same numbers */
  async upsert(results: WindowResult[]): Promise<void> {
    if (!results.length) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const r of results) {
        if (r.kind === 'interactions') {
          await client.query(
            `INSERT INTO interaction_windows (window_size, window_start, window_end, experiment_key, variant, views, clicks,
                carts, purchases, sessions, converted_sessions, ctr, conversion_rate)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (window_size, experiment_key, variant, window_start) DO UPDATE SET
               window_end = EXCLUDED.window_end, views = EXCLUDED.views, clicks = EXCLUDED.clicks, carts = EXCLUDED.carts,
               purchases = EXCLUDED.purchases, sessions = EXCLUDED.sessions,
               converted_sessions = EXCLUDED.converted_sessions, ctr = EXCLUDED.ctr,
               conversion_rate = EXCLUDED.conversion_rate, projected_at = now()`,
            [
              r.window, r.windowStart, r.windowEnd, r.experiment?.key ?? '', r.experiment?.variant ?? '', r.views,
              r.clicks, r.carts, r.purchases, r.sessions, r.convertedSessions, r.ctr, r.conversionRate,
            ],
          );
        } else if (r.kind === 'orders') {
          await client.query(
            `INSERT INTO order_windows (window_size, window_start, window_end, orders, revenue, average_order_value)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (window_size, window_start) DO UPDATE SET window_end = EXCLUDED.window_end,
               orders = EXCLUDED.orders, revenue = EXCLUDED.revenue,
               average_order_value = EXCLUDED.average_order_value, projected_at = now()`,
            [r.window, r.windowStart, r.windowEnd, r.orders, r.revenue, r.averageOrderValue],
          );
        } else {
          await client.query(
            `INSERT INTO top_products (window_size, window_start, rank, window_end, product_id, quantity, revenue)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (window_size, window_start, rank) DO UPDATE SET window_end = EXCLUDED.window_end,
               product_id = EXCLUDED.product_id, quantity = EXCLUDED.quantity, revenue = EXCLUDED.revenue`,
            [r.window, r.windowStart, r.rank, r.windowEnd, r.productId, r.quantity, r.revenue],
          );
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** one metric's windows starting in [from, to), oldest first; per variant of `experiment` when one is given */
  async series(query: {
    metric: Metric;
    window: WindowSize;
    from: Date;
    to: Date;
    experiment?: string;
    variant?: string;
  }): Promise<Array<{ variant: string | null; points: SeriesPoint[] }>> {
    const { metric, window, from, to } = query;
    if (isOrderMetric(metric)) {
      const { rows } = await this.pool.query<{ window_start: Date; window_end: Date; value: string }>(
        `SELECT window_start, window_end, ${ORDER_METRICS[metric]} AS value FROM order_windows
          WHERE window_size = $1 AND window_start >= $2 AND window_start < $3 ORDER BY window_start`,
        [window, from, to],
      );
      return [{ variant: null, points: rows.map(point) }];
    }
    const column = INTERACTION_METRICS[metric];
    if (!query.experiment) {
      const { rows } = await this.pool.query<{ window_start: Date; window_end: Date; value: string }>(
        `SELECT window_start, window_end, ${column} AS value FROM interaction_windows
          WHERE window_size = $1 AND experiment_key = '' AND variant = '' AND window_start >= $2 AND window_start < $3
          ORDER BY window_start`,
        [window, from, to],
      );
      return [{ variant: null, points: rows.map(point) }];
    }
    const { rows } = await this.pool.query<{ variant: string; window_start: Date; window_end: Date; value: string }>(
      `SELECT variant, window_start, window_end, ${column} AS value FROM interaction_windows
        WHERE window_size = $1 AND experiment_key = $2 AND ($3::text IS NULL OR variant = $3)
          AND window_start >= $4 AND window_start < $5
        ORDER BY variant, window_start`,
      [window, query.experiment, query.variant ?? null, from, to],
    );
    const byVariant = new Map<string, SeriesPoint[]>();
    for (const row of rows) byVariant.set(row.variant, [...(byVariant.get(row.variant) ?? []), point(row)]);
    return [...byVariant].map(([variant, points]) => ({ variant, points }));
  }

  /**
   * Per variant of an experiment: the sums of its 1-hour windows starting in [from, to) (sessions counted once per
   * hour they were active in), with CTR and conversion over those sums.
   */
  async outcomes(experiment: string, from: Date, to: Date): Promise<VariantOutcome[]> {
    const { rows } = await this.pool.query<Record<string, string>>(
      `SELECT variant, sum(views) AS views, sum(clicks) AS clicks, sum(carts) AS carts, sum(purchases) AS purchases,
              sum(sessions) AS sessions, sum(converted_sessions) AS converted_sessions
         FROM interaction_windows
        WHERE window_size = '1h' AND experiment_key = $1 AND window_start >= $2 AND window_start < $3
        GROUP BY variant ORDER BY variant`,
      [experiment, from, to],
    );
    return rows.map(row => {
      const views = num(row.views);
      const clicks = num(row.clicks);
      const sessions = num(row.sessions);
      const convertedSessions = num(row.converted_sessions);
      return {
        variant: row.variant,
        views,
        clicks,
        carts: num(row.carts),
        purchases: num(row.purchases),
        sessions,
        convertedSessions,
        ctr: views ? clicks / views : 0,
        conversionRate: sessions ? convertedSessions / sessions : 0,
      };
    });
  }

  /** the top products of each 5-minute window starting in [from, to), oldest first */
  async topProducts(from: Date, to: Date) {
    const { rows } = await this.pool.query<{
      window_start: Date;
      window_end: Date;
      rank: number;
      product_id: string;
      quantity: string;
      revenue: string;
    }>(
      `SELECT window_start, window_end, rank, product_id, quantity, revenue FROM top_products
        WHERE window_size = '5m' AND window_start >= $1 AND window_start < $2 ORDER BY window_start, rank`,
      [from, to],
    );
    const windows = new Map<string, { windowStart: string; windowEnd: string; products: unknown[] }>();
    for (const row of rows) {
      const key = iso(row.window_start);
      const window = windows.get(key) ?? { windowStart: key, windowEnd: iso(row.window_end), products: [] };
      window.products.push({
        rank: row.rank,
        productId: row.product_id,
        quantity: num(row.quantity),
        revenue: num(row.revenue),
      });
      windows.set(key, window);
    }
    return [...windows.values()];
  }

  /** the newest window of each scope, for the gauges */
  async latest() {
    const [interactions, orders] = await Promise.all([
      this.pool.query<{ window_size: string; experiment_key: string; variant: string; ctr: number; conversion_rate: number }>(
        `SELECT DISTINCT ON (window_size, experiment_key, variant) window_size, experiment_key, variant, ctr, conversion_rate
           FROM interaction_windows ORDER BY window_size, experiment_key, variant, window_start DESC`,
      ),
      this.pool.query<{ orders: string; revenue: string; average_order_value: string }>(
        `SELECT orders, revenue, average_order_value FROM order_windows WHERE window_size = '5m'
          ORDER BY window_start DESC LIMIT 1`,
      ),
    ]);
    return { interactions: interactions.rows, orders: orders.rows[0] };
  }
}

function point(row: { window_start: Date; window_end: Date; value: string | number }): SeriesPoint {
  return { windowStart: iso(row.window_start), windowEnd: iso(row.window_end), value: num(row.value) };
}
