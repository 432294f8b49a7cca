/** Presentation helpers: the page shows the API's numbers, formatted, never recomputed. */

export function formatMoney(amount: number, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
}

export function formatPercent(ratio: number, signed = false): string {
  const text = `${Math.round(ratio * 1000) / 10}%`;
  return signed && ratio > 0 ? `+${text}` : text;
}

export type PeriodPreset = 'month-to-date' | 'last-30-days' | 'last-90-days' | 'previous-month';

export const PERIOD_PRESETS: Array<{ value: PeriodPreset; label: string }> = [
  { value: 'month-to-date', label: 'Month to date' },
  { value: 'last-30-days', label: 'Last 30 days' },
  { value: 'last-90-days', label: 'Last 90 days' },
  { value: 'previous-month', label: 'Previous month' },
];

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Periods are anchored on the newest day with cost data, not on the browser's clock. */
export function periodOf(preset: PeriodPreset, asOf: string): { from: string; to: string } {
  switch (preset) {
    case 'month-to-date':
      return { from: `${asOf.slice(0, 7)}-01`, to: asOf };
    case 'last-30-days':
      return { from: addDays(asOf, -29), to: asOf };
    case 'last-90-days':
      return { from: addDays(asOf, -89), to: asOf };
    case 'previous-month': {
      const lastOfPrevious = addDays(`${asOf.slice(0, 7)}-01`, -1);
      return { from: `${lastOfPrevious.slice(0, 7)}-01`, to: lastOfPrevious };
    }
    default:
      throw new Error(`unknown period ${preset satisfies never}`);
  }
}
