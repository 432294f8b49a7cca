import { addDays, daysBetween, daysInMonth, eachDay, isoWeekday, monthEnd, monthStart, type Day } from './dates';
import { sum } from './money';

/**
 * Month-end forecast: month-to-date actuals plus a projection of each remaining day.
 *
 * Method (documented in docs/cost.md): the level is the mean of the trailing 7 days ending at `asOf`
 * (one of each weekday, so weekly seasonality cancels out); each remaining day is that level times its
 * weekday factor, the mean cost on that weekday over the trailing 28 days divided by the 28-day mean.
 * With less than 28 days of history, or a zero 28-day mean, every factor is 1.
 */

export interface ForecastInput {
  /** Cost of a day; days without cost are 0. */
  costOn: (day: Day) => number;
  /** Last day with complete data: month-to-date runs up to and including it. */
  asOf: Day;
  /** First day the history covers; days before it are unknown, not zero. */
  historyStart: Day;
}

export interface MonthForecast {
  month: string;
  asOf: Day;
  daysElapsed: number;
  daysInMonth: number;
  monthToDate: number;
  /** The trailing 7-day mean used as the daily level. */
  dailyLevel: number;
  /** Monday..Sunday factors applied to the level. */
  weekdayFactors: number[];
  projectedRemainder: number;
  forecast: number;
}

export const FORECAST_METHOD = 'trailing-7-day-mean-with-28-day-weekday-factors';

export function forecastMonthEnd(input: ForecastInput): MonthForecast {
  const { costOn, asOf, historyStart } = input;
  const first = monthStart(asOf);
  const monthToDate = sum(eachDay(first, asOf).map(costOn));
  const trailingDays = eachDay(maxDay(addDays(asOf, -6), historyStart), asOf);
  const dailyLevel = trailingDays.length > 0 ? sum(trailingDays.map(costOn)) / trailingDays.length : 0;
  const weekdayFactors = weekdayFactorsOf(costOn, asOf, historyStart);
  const remaining = eachDay(addDays(asOf, 1), monthEnd(asOf));
  const projectedRemainder = sum(remaining.map(day => dailyLevel * weekdayFactors[isoWeekday(day)]));
  return {
    month: asOf.slice(0, 7),
    asOf,
    daysElapsed: daysBetween(first, asOf) + 1,
    daysInMonth: daysInMonth(asOf),
    monthToDate,
    dailyLevel,
    weekdayFactors,
    projectedRemainder,
    forecast: monthToDate + projectedRemainder,
  };
}

function weekdayFactorsOf(costOn: (day: Day) => number, asOf: Day, historyStart: Day): number[] {
  const windowStart = addDays(asOf, -27);
  const flat = [1, 1, 1, 1, 1, 1, 1];
  if (windowStart < historyStart) return flat;
  const totals = [0, 0, 0, 0, 0, 0, 0];
  for (const day of eachDay(windowStart, asOf)) totals[isoWeekday(day)] += costOn(day);
  const mean = sum(totals) / 7;
  if (mean <= 0) return flat;
  return totals.map(total => total / mean);
}

function maxDay(a: Day, b: Day): Day {
  return a > b ? a : b;
}
