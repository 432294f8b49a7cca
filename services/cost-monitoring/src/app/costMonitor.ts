import {
  DEFAULT_GROWTH_THRESHOLDS,
  detectBudgetAlert,
  detectGrowthAlerts,
  type AlertCandidate,
  type GrowthThresholds,
} from '../domain/alerts';
import { addDays, daysBetween, eachDay, isDay, monthEnd, type Day } from '../domain/dates';
import { FORECAST_METHOD, forecastMonthEnd, type MonthForecast } from '../domain/forecast';
import { roundCents, sum } from '../domain/money';
import { PLATFORM_SERVICES } from '../domain/platformServices';
import { UNALLOCATED_SERVICE } from '../domain/types';
import { importFocusCsv, importFocusParquet, type FocusImportOptions } from '../focus/importFocus';
import type { OrderCount, OrderCounter } from '../orders/orderCounter';
import type { AlertStatus, CostStore, Dimension, ImportRecord, StoredAlert } from '../store/costStore';
import { AlertNotFoundError, AlertStateError, InvalidQueryError } from './errors';

export interface CostMonitorSettings {
  currency: string;
  monthlyBudget: number;
  allocationTagKey: string;
  /** Growth thresholds per service; services not listed use `defaultThresholds`. */
  thresholds: Record<string, Partial<GrowthThresholds>>;
  defaultThresholds?: GrowthThresholds;
  /** How many days back from the newest data alerts are looked for after each import. */
  alertLookbackDays: number;
  maxPeriodDays: number;
}

export interface Period {
  from: Day;
  to: Day;
}

const MAX_SNOOZE_DAYS = 30;

/** The cost monitoring use cases; HTTP, polling and metrics call these and nothing else touches the store. */
export class CostMonitor {
  constructor(
    private readonly store: CostStore,
    private readonly orders: OrderCounter,
    readonly settings: CostMonitorSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get focusOptions(): FocusImportOptions {
    return { allocationTagKey: this.settings.allocationTagKey, currency: this.settings.currency };
  }

  async costs(query: Period & { groupBy: Dimension; service?: string }) {
    await this.checkQuery(query);
    const groups = (await this.store.breakdown(query)).map(g => ({ key: g.key, amount: roundCents(g.amount) }));
    return {
      from: query.from,
      to: query.to,
      groupBy: query.groupBy,
      currency: this.settings.currency,
      total: roundCents(sum(groups.map(g => g.amount))),
      groups,
    };
  }

  /** Daily cost stacked by cloud or service, every day of the period present (zero when nothing was billed). */
  async dailyCosts(query: Period & { stackBy: 'cloud' | 'service'; service?: string }) {
    await this.checkQuery(query);
    const rows = await this.store.dailyBy({ ...query, by: query.stackBy });
    const keys = [...new Set(rows.map(row => row.key))].sort();
    const byDay = new Map<Day, Array<{ key: string; amount: number }>>();
    for (const row of rows) {
      const groups = byDay.get(row.day) ?? [];
      groups.push({ key: row.key, amount: roundCents(row.amount) });
      byDay.set(row.day, groups);
    }
    const days = eachDay(query.from, query.to).map(day => {
      const groups = byDay.get(day) ?? [];
      return { day, total: roundCents(sum(groups.map(g => g.amount))), groups };
    });
    return {
      from: query.from,
      to: query.to,
      stackBy: query.stackBy,
      currency: this.settings.currency,
      keys,
      total: roundCents(sum(days.map(d => d.total))),
      days,
    };
  }

  /** Services whose cost changed most against the previous period of the same length. */
  async topMovers(query: Period & { limit: number }) {
    await this.checkQuery(query);
    const length = daysBetween(query.from, query.to) + 1;
    const previous = { from: addDays(query.from, -length), to: addDays(query.from, -1) };
    const [current, before] = await Promise.all([
      this.store.breakdown({ ...query, groupBy: 'service' }),
      this.store.breakdown({ ...previous, groupBy: 'service' }),
    ]);
    const previousBy = new Map(before.map(g => [g.key, g.amount]));
    const currentBy = new Map(current.map(g => [g.key, g.amount]));
    const services = new Set([...currentBy.keys(), ...previousBy.keys()]);
    const movers = [...services].map(service => {
      const now = currentBy.get(service) ?? 0;
      const then = previousBy.get(service) ?? 0;
      return {
        service,
        current: roundCents(now),
        previous: roundCents(then),
        change: roundCents(now - then),
        changeRatio: then > 0 ? Math.round(((now - then) / then) * 10_000) / 10_000 : null,
      };
    });
    movers.sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.service.localeCompare(b.service));
    return {
      from: query.from,
      to: query.to,
      previousFrom: previous.from,
      previousTo: previous.to,
      currency: this.settings.currency,
      items: movers.slice(0, query.limit),
    };
  }

  /** Month-to-date against budget with the month-end forecast; the month of the newest data by default. */
  async summary(month?: string) {
    const coverage = await this.store.coverage();
    if (!coverage) throw new InvalidQueryError('no cost data has been imported yet');
    const target = month ?? coverage.last.slice(0, 7);
    const first = `${target}-01`;
    if (!isDay(first)) throw new InvalidQueryError(`month ${target} is not a month`, [{ parameter: 'month', message: 'expected YYYY-MM' }]);
    if (first > coverage.last || monthEnd(first) < coverage.first) {
      throw new InvalidQueryError(`no cost data for ${target}: data covers ${coverage.first} to ${coverage.last}`, [
        { parameter: 'month', message: `must be between ${coverage.first.slice(0, 7)} and ${coverage.last.slice(0, 7)}` },
      ]);
    }
    const asOf = coverage.last < monthEnd(first) ? coverage.last : monthEnd(first);
    const forecasts = await this.serviceForecasts(coverage.first, asOf);
    const byCloud = await this.store.breakdown({ from: first, to: asOf, groupBy: 'cloud' });
    const monthToDate = sum(forecasts.map(f => f.forecast.monthToDate));
    const forecast = sum(forecasts.map(f => f.forecast.forecast));
    const budget = this.settings.monthlyBudget;
    return {
      month: target,
      currency: this.settings.currency,
      asOf,
      daysElapsed: forecasts[0]?.forecast.daysElapsed ?? 0,
      daysInMonth: Number(monthEnd(first).slice(8, 10)),
      monthToDate: roundCents(monthToDate),
      budget,
      forecast: roundCents(forecast),
      forecastMethod: FORECAST_METHOD,
      budgetUsedRatio: budget > 0 ? Math.round((monthToDate / budget) * 10_000) / 10_000 : 0,
      forecastOverBudget: forecast > budget,
      byCloud: byCloud.map(g => ({ key: g.key, amount: roundCents(g.amount) })),
      byService: forecasts
        .map(f => ({ key: f.service, amount: roundCents(f.forecast.monthToDate), forecast: roundCents(f.forecast.forecast) }))
        .sort((a, b) => b.amount - a.amount || a.key.localeCompare(b.key)),
    };
  }

  /** Cost per 1,000 orders of the checkout service, or why it cannot be computed. */
  async unitCosts(query: Period) {
    await this.checkQuery(query);
    const [groups, orders] = await Promise.all([
      this.store.breakdown({ ...query, groupBy: 'cloud' }),
      this.orders.countOrders(query.from, query.to),
    ]);
    const cost = roundCents(sum(groups.map(g => g.amount)));
    return {
      from: query.from,
      to: query.to,
      currency: this.settings.currency,
      cost,
      orders: orders satisfies OrderCount,
      costPer1000Orders:
        orders.available && orders.count > 0 ? roundCents((cost / orders.count) * 1000) : null,
    };
  }

  listAlerts(filter: { status?: AlertStatus; service?: string }): Promise<StoredAlert[]> {
    return this.store.listAlerts(filter);
  }

  async acknowledgeAlert(id: string, by: string): Promise<StoredAlert> {
    const alert = await this.store.acknowledgeAlert(id, by);
    if (!alert) throw new AlertNotFoundError(id);
    return alert;
  }

  async snoozeAlert(id: string, until: Date): Promise<StoredAlert> {
    const now = this.now().getTime();
    if (!(until.getTime() > now) || until.getTime() > now + MAX_SNOOZE_DAYS * 86_400_000) {
      throw new InvalidQueryError(`until must be in the future and within ${MAX_SNOOZE_DAYS} days`, [
        { pointer: '/until', message: `must be in the future and within ${MAX_SNOOZE_DAYS} days` },
      ]);
    }
    const [existing] = await this.store.listAlerts({ id });
    if (!existing) throw new AlertNotFoundError(id);
    if (existing.status === 'acknowledged') throw new AlertStateError(`alert ${id} is already acknowledged`);
    return (await this.store.snoozeAlert(id, until))!;
  }

  /** Undoes an acknowledgement or a snooze. */
  async reopenAlert(id: string): Promise<StoredAlert> {
    const alert = await this.store.reopenAlert(id);
    if (!alert) throw new AlertNotFoundError(id);
    return alert;
  }

  listImports(limit: number): Promise<ImportRecord[]> {
    return this.store.listImports({ limit });
  }

  /** Imports a FOCUS file all-or-nothing; a rejected file is recorded as a failed import and rethrown. */
  async importFocusFile(content: Buffer, format: 'csv' | 'parquet', source = 'focus-upload'): Promise<ImportRecord> {
    const startedAt = new Date();
    let parsed;
    try {
      parsed =
        format === 'csv'
          ? importFocusCsv(content, this.focusOptions)
          : await importFocusParquet(new Uint8Array(content), this.focusOptions);
    } catch (error) {
      const problems = (error as { problems?: unknown }).problems ?? [{ message: (error as Error).message }];
      await this.store.recordFailedImport(source, `focus-${format}`, startedAt, problems);
      throw error;
    }
    if (parsed.periodStart === null || parsed.periodEnd === null) {
      throw new InvalidQueryError('the FOCUS file has no rows');
    }
    const record = await this.store.importBatch({
      source,
      format: `focus-${format}`,
      rows: parsed.rows,
      sourceRows: parsed.sourceRows,
      periodStart: parsed.periodStart,
      periodEnd: parsed.periodEnd,
    });
    await this.evaluateAlerts();
    return record;
  }

  /** Re-derives alert conditions from the stored costs; idempotent thanks to the alert keys. */
  async evaluateAlerts(): Promise<void> {
    const coverage = await this.store.coverage();
    if (!coverage) return;
    const forecasts = await this.serviceForecasts(coverage.first, coverage.last);
    const from = maxDay(addDays(coverage.last, -(this.settings.alertLookbackDays - 1)), coverage.first);
    const candidates: AlertCandidate[] = [];
    for (const { service, costOn } of forecasts) {
      if (service === UNALLOCATED_SERVICE) continue;
      candidates.push(
        ...detectGrowthAlerts({
          service,
          costOn,
          from,
          to: coverage.last,
          historyStart: coverage.first,
          thresholds: this.thresholdsFor(service),
        }),
      );
    }
    const platform = sumForecasts(forecasts.map(f => f.forecast));
    const budgetAlert = detectBudgetAlert(platform, this.settings.monthlyBudget);
    if (budgetAlert) candidates.push(budgetAlert);
    await this.store.upsertAlerts(
      candidates.map(candidate => ({ ...candidate, severity: severityOf(candidate, platform, this.settings.monthlyBudget) })),
    );
  }

  /** Figures for the Prometheus gauges; null while the store is empty. */
  async metricsSnapshot() {
    const coverage = await this.store.coverage();
    if (!coverage) return null;
    const [latest, summary, openAlerts] = await Promise.all([
      this.store.costsOfDay(coverage.last),
      this.summary(),
      this.store.countOpenAlerts(),
    ]);
    return { latestDay: coverage.last, latest, summary, openAlerts };
  }

  thresholdsFor(service: string): GrowthThresholds {
    return { ...(this.settings.defaultThresholds ?? DEFAULT_GROWTH_THRESHOLDS), ...this.settings.thresholds[service] };
  }

  /** Services the API accepts: the platform's twelve plus any seen in billing data (e.g. `unallocated`). */
  async knownServices(): Promise<string[]> {
    const seen = await this.store.knownServices();
    return [...new Set([...PLATFORM_SERVICES.map(s => s.name), ...seen])].sort();
  }

  private async serviceForecasts(historyStart: Day, asOf: Day) {
    const rows = await this.store.dailyBy({ from: historyStart, to: asOf, by: 'service' });
    const series = new Map<string, Map<Day, number>>();
    for (const row of rows) {
      const days = series.get(row.key) ?? new Map<Day, number>();
      days.set(row.day, row.amount);
      series.set(row.key, days);
    }
    return [...series.entries()].map(([service, days]) => {
      const costOn = (day: Day) => days.get(day) ?? 0;
      return { service, costOn, forecast: forecastMonthEnd({ costOn, asOf, historyStart }) };
    });
  }

  private async checkQuery(query: Period & { service?: string }): Promise<void> {
    const errors: Array<{ parameter: string; message: string }> = [];
    if (!isDay(query.from)) errors.push({ parameter: 'from', message: 'expected a date YYYY-MM-DD' });
    if (!isDay(query.to)) errors.push({ parameter: 'to', message: 'expected a date YYYY-MM-DD' });
    if (errors.length === 0 && query.from > query.to) {
      errors.push({ parameter: 'to', message: `must not be before from (${query.from})` });
    }
    if (errors.length === 0 && daysBetween(query.from, query.to) >= this.settings.maxPeriodDays) {
      errors.push({ parameter: 'to', message: `the period may cover at most ${this.settings.maxPeriodDays} days` });
    }
    if (query.service !== undefined && !(await this.knownServices()).includes(query.service)) {
      errors.push({ parameter: 'service', message: `unknown service ${query.service}` });
    }
    if (errors.length > 0) throw new InvalidQueryError(errors.map(e => `${e.parameter}: ${e.message}`).join('; '), errors);
  }
}

function sumForecasts(forecasts: MonthForecast[]): MonthForecast {
  const [first] = forecasts;
  return {
    ...first,
    monthToDate: sum(forecasts.map(f => f.monthToDate)),
    dailyLevel: sum(forecasts.map(f => f.dailyLevel)),
    projectedRemainder: sum(forecasts.map(f => f.projectedRemainder)),
    forecast: sum(forecasts.map(f => f.forecast)),
  };
}

function severityOf(candidate: AlertCandidate, platform: MonthForecast, budget: number): StoredAlert['severity'] {
  if (candidate.kind === 'forecast-over-budget') return platform.monthToDate > budget ? 'critical' : 'warning';
  return candidate.change >= 2 * candidate.threshold ? 'critical' : 'warning';
}

function maxDay(a: Day, b: Day): Day {
  return a > b ? a : b;
}
