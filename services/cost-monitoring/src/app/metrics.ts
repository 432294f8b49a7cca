import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CostMonitor } from './costMonitor';

/**
 * Cost gauges for Grafana. A cost's platform service is the label `service_name`, because Prometheus
 * labels every target with `service` (the scraped service itself). The gauges read one snapshot of the
 * store, taken at most every `maxAgeMs` or after a change, so a scrape waits on one set of queries at most.
 */
export function registerCostMetrics(registry: Registry, monitor: CostMonitor, maxAgeMs = 30_000) {
  let snapshot: ReturnType<CostMonitor['metricsSnapshot']> | undefined;
  let takenAt = 0;
  const current = () => {
    if (!snapshot || Date.now() - takenAt > maxAgeMs) {
      takenAt = Date.now();
      snapshot = monitor.metricsSnapshot().catch(() => null);
    }
    return snapshot;
  };

  const dailyCost = new Gauge({
    name: 'cost_daily_usd',
    help: 'Effective cost of the newest day with billing data, by service and cloud',
    labelNames: ['service_name', 'cloud'],
    registers: [registry],
    async collect() {
      const data = await current();
      this.reset();
      for (const row of data?.latest ?? []) this.set({ service_name: row.service, cloud: row.cloud }, row.amount);
    },
  });
  const budget = new Gauge({
    name: 'cost_monthly_budget_usd',
    help: 'Monthly budget of the platform',
    registers: [registry],
    collect() {
      this.set(monitor.settings.monthlyBudget);
    },
  });
  const monthToDate = new Gauge({
    name: 'cost_month_to_date_usd',
    help: 'Effective cost of the platform from the first of the month to the newest day with data',
    registers: [registry],
    async collect() {
      const data = await current();
      if (data) this.set(data.summary.monthToDate);
    },
  });
  const forecast = new Gauge({
    name: 'cost_forecast_month_end_usd',
    help: 'Forecast cost at month end, for the platform (service_name="platform") and each service',
    labelNames: ['service_name'],
    registers: [registry],
    async collect() {
      const data = await current();
      this.reset();
      if (!data) return;
      this.set({ service_name: 'platform' }, data.summary.forecast);
      for (const service of data.summary.byService) this.set({ service_name: service.key }, service.forecast);
    },
  });
  const dataAge = new Gauge({
    name: 'cost_data_age_days',
    help: 'Days between today (UTC) and the newest day with billing data',
    registers: [registry],
    async collect() {
      const data = await current();
      if (data) this.set(Math.floor((Date.now() - Date.parse(`${data.latestDay}T00:00:00Z`)) / 86_400_000));
    },
  });
  const openAlerts = new Gauge({
    name: 'cost_open_alerts',
    help: 'Open cost alerts by kind',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const data = await current();
      this.reset();
      for (const kind of ['forecast-over-budget', 'day-over-day', 'week-over-week']) {
        this.set({ kind }, data?.openAlerts.find(a => a.kind === kind)?.count ?? 0);
      }
    },
  });
  const imports = new Counter({
    name: 'cost_imports_total',
    help: 'Imports by source and outcome',
    labelNames: ['source', 'status'],
    registers: [registry],
  });
  const importDuration = new Histogram({
    name: 'cost_import_duration_seconds',
    help: 'Duration of successful imports',
    labelNames: ['source'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    gauges: { dailyCost, budget, monthToDate, forecast, dataAge, openAlerts },
    /** Forget the snapshot so the next scrape reads fresh figures. */
    invalidate() {
      snapshot = undefined;
    },
    recordImport(source: string, status: 'succeeded' | 'failed', durationMs?: number) {
      imports.inc({ source, status });
      if (durationMs !== undefined) importDuration.observe({ source }, durationMs / 1000);
    },
  };
}

export type CostMetrics = ReturnType<typeof registerCostMetrics>;
