import { addDays, eachDay, isoWeekday, type Day } from './dates';
import { roundCents, sum } from './money';
import type { MonthForecast } from './forecast';

export type AlertKind = 'forecast-over-budget' | 'day-over-day' | 'week-over-week';

/** A condition found in the data; the store keeps one alert per `key`, so re-evaluating is idempotent. */
export interface AlertCandidate {
  key: string;
  kind: AlertKind;
  /** null for platform-wide alerts (the budget). */
  service: string | null;
  periodStart: Day;
  periodEnd: Day;
  observed: number;
  baseline: number;
  /** Relative change (0.5 = +50%) or, for the budget, the forecast overrun ratio. */
  change: number;
  threshold: number;
  message: string;
}

export interface GrowthThresholds {
  /** Alert when a day costs more than the previous day by this ratio (0.5 = +50%). */
  dayOverDay: number;
  /** Alert when a complete Monday-Sunday week costs more than the previous week by this ratio. */
  weekOverWeek: number;
  /** Ignore changes smaller than this many currency units, so tiny services do not alert on cents. */
  minDelta: number;
}

export const DEFAULT_GROWTH_THRESHOLDS: GrowthThresholds = { dayOverDay: 0.5, weekOverWeek: 0.25, minDelta: 1 };

export interface GrowthInput {
  service: string;
  costOn: (day: Day) => number;
  /** Days (inclusive) on which to look for growth; the day before `from` serves as a baseline. */
  from: Day;
  to: Day;
  /** First day the history covers: a baseline reaching before it is incomplete, so no growth is claimed. */
  historyStart: Day;
  thresholds: GrowthThresholds;
}

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;
const money = (amount: number) => `$${roundCents(amount).toFixed(2)}`;

export function detectGrowthAlerts(input: GrowthInput): AlertCandidate[] {
  const { service, costOn, from, to, historyStart, thresholds } = input;
  const alerts: AlertCandidate[] = [];
  for (const day of eachDay(from, to)) {
    const observed = costOn(day);
    const baseline = costOn(addDays(day, -1));
    const alert =
      addDays(day, -1) >= historyStart ? growth(observed, baseline, thresholds.dayOverDay, thresholds.minDelta) : null;
    if (alert !== null) {
      alerts.push({
        key: `day-over-day:${service}:${day}`,
        kind: 'day-over-day',
        service,
        periodStart: day,
        periodEnd: day,
        observed,
        baseline,
        change: alert,
        threshold: thresholds.dayOverDay,
        message: `${service} cost ${money(observed)} on ${day}, ${percent(alert)} more than the day before (${money(baseline)}); threshold ${percent(thresholds.dayOverDay)}`,
      });
    }
    if (isoWeekday(day) === 6 && addDays(day, -13) >= historyStart) {
      const weekStart = addDays(day, -6);
      const weekObserved = sum(eachDay(weekStart, day).map(costOn));
      const weekBaseline = sum(eachDay(addDays(weekStart, -7), addDays(day, -7)).map(costOn));
      const weekAlert = growth(weekObserved, weekBaseline, thresholds.weekOverWeek, thresholds.minDelta);
      if (weekAlert !== null) {
        alerts.push({
          key: `week-over-week:${service}:${weekStart}`,
          kind: 'week-over-week',
          service,
          periodStart: weekStart,
          periodEnd: day,
          observed: weekObserved,
          baseline: weekBaseline,
          change: weekAlert,
          threshold: thresholds.weekOverWeek,
          message: `${service} cost ${money(weekObserved)} in the week of ${weekStart}, ${percent(weekAlert)} more than the week before (${money(weekBaseline)}); threshold ${percent(thresholds.weekOverWeek)}`,
        });
      }
    }
  }
  return alerts;
}

/** Relative growth when it crosses the threshold and the absolute change matters, else null. */
function growth(observed: number, baseline: number, threshold: number, minDelta: number): number | null {
  if (baseline <= 0) return null;
  const change = (observed - baseline) / baseline;
  return change > threshold && observed - baseline >= minDelta ? change : null;
}

export function detectBudgetAlert(forecast: MonthForecast, budget: number): AlertCandidate | null {
  if (budget <= 0 || forecast.forecast <= budget) return null;
  const overrun = (forecast.forecast - budget) / budget;
  return {
    key: `forecast-over-budget:platform:${forecast.month}`,
    kind: 'forecast-over-budget',
    service: null,
    periodStart: `${forecast.month}-01`,
    periodEnd: forecast.asOf,
    observed: forecast.forecast,
    baseline: budget,
    change: overrun,
    threshold: 0,
    message: `Platform forecast for ${forecast.month} is ${money(forecast.forecast)}, ${percent(overrun)} over the monthly budget of ${money(budget)} (month to date ${money(forecast.monthToDate)} as of ${forecast.asOf})`,
  };
}
