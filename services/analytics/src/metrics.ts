import { Gauge, type Registry } from 'prom-client';
import type { ResultStore } from './results/ResultStore';

export const ANALYTICS_METRICS = {
  ctr: 'analytics_ctr',
  conversionRate: 'analytics_conversion_rate',
  ordersPerMinute: 'analytics_orders_per_minute',
  revenue: 'analytics_revenue',
  averageOrderValue: 'analytics_average_order_value',
} as const;

type Latest = Awaited<ReturnType<ResultStore['latest']>>;
type InteractionRow = Latest['interactions'][number];
type OrderRow = NonNullable<Latest['orders']>;

/**
 * The business KPIs as gauges of the newest closed window, read from PostgreSQL at each scrape (so every replica
 * answers the same): CTR and conversion per window size (1m, 1h) for all traffic (experiment and variant labels
 * empty) and per experiment variant; orders per minute, revenue and average order value of the newest 5-minute window.
 */
export function analyticsMetrics(registry: Registry, store: ResultStore): void {
  // one query per scrape, shared by the five gauges' collect()
  let pending: Promise<Latest> | undefined;
  const latest = () => {
    pending ??= store.latest().finally(() => setTimeout(() => (pending = undefined), 0));
    return pending;
  };
  const perScope = (name: string, help: string, value: (row: InteractionRow) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['window', 'experiment', 'variant'],
      registers: [registry],
      async collect() {
        const { interactions } = await latest();
        this.reset();
        for (const row of interactions) {
          this.set({ window: row.window_size, experiment: row.experiment_key, variant: row.variant }, value(row));
        }
      },
    });
  const ofOrders = (name: string, help: string, value: (row: OrderRow) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const { orders } = await latest();
        if (orders) this.set(value(orders));
      },
    });
  perScope(ANALYTICS_METRICS.ctr, 'Clicks per view in the newest closed window', row => Number(row.ctr));
  perScope(
    ANALYTICS_METRICS.conversionRate,
    'Share of the sessions of the newest closed window that purchased',
    row => Number(row.conversion_rate),
  );
  ofOrders(
    ANALYTICS_METRICS.ordersPerMinute,
    'Orders placed per minute in the newest closed 5-minute window',
    row => Number(row.orders) / 5,
  );
  ofOrders(ANALYTICS_METRICS.revenue, 'Revenue of the orders placed in the newest closed 5-minute window', row =>
    Number(row.revenue),
  );
  ofOrders(ANALYTICS_METRICS.averageOrderValue, 'Average order value in the newest closed 5-minute window', row =>
    Number(row.average_order_value),
  );
}
