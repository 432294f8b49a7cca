/** Calendar days as `YYYY-MM-DD` strings in UTC: billing data is reported per UTC day by all three clouds. */
export type Day = string;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

export function isDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function toDay(date: Date): Day {
  return date.toISOString().slice(0, 10);
}

export function dayToDate(day: Day): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function addDays(day: Day, days: number): Day {
  return toDay(new Date(dayToDate(day).getTime() + days * MS_PER_DAY));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((dayToDate(to).getTime() - dayToDate(from).getTime()) / MS_PER_DAY);
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: Day, to: Day): Day[] {
  const days: Day[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** 0 = Monday ... 6 = Sunday (ISO order, so a week starts on Monday). */
export function isoWeekday(day: Day): number {
  return (dayToDate(day).getUTCDay() + 6) % 7;
}

export function monthStart(day: Day): Day {
  return `${day.slice(0, 7)}-01`;
}

export function monthEnd(day: Day): Day {
  const date = dayToDate(monthStart(day));
  return toDay(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)));
}

export function daysInMonth(day: Day): number {
  return Number(monthEnd(day).slice(8, 10));
}

export function todayUtc(now: Date = new Date()): Day {
  return toDay(now);
}
