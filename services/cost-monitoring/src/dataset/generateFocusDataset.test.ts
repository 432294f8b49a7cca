import { addDays, eachDay, monthStart } from '../domain/dates';
import { PLATFORM_SERVICES } from '../domain/platformServices';
import { importFocusCsv } from '../focus/importFocus';
import { DATASET_STORY, generateFocusDataset, toFocusCsv } from './generateFocusDataset';

const endDay = '2026-11-23';
const records = generateFocusDataset({ endDay, days: 120 });
const imported = importFocusCsv(toFocusCsv(records), { allocationTagKey: 'cost-allocation', currency: 'USD' });

function costsBy(predicate: (row: (typeof imported.rows)[number]) => boolean): Map<string, number> {
  const byDay = new Map<string, number>();
  for (const row of imported.rows.filter(predicate)) byDay.set(row.day, (byDay.get(row.day) ?? 0) + row.effectiveCost);
  return byDay;
}

describe('generateFocusDataset', () => {
  it('is deterministic: the same end date gives the same bytes', () => {
    expect(toFocusCsv(generateFocusDataset({ endDay, days: 120 }))).toBe(toFocusCsv(records));
  });

  it('covers every day up to the end day for all twelve services on three clouds', () => {
    expect(imported.periodStart).toBe(addDays(endDay, -119));
    expect(imported.periodEnd).toBe(endDay);
    expect(new Set(imported.rows.map(row => row.service))).toEqual(new Set(PLATFORM_SERVICES.map(s => s.name)));
    expect(new Set(imported.rows.map(row => row.cloud))).toEqual(new Set(['aws', 'azure', 'gcp']));
    for (const service of PLATFORM_SERVICES) {
      const serviceRows = imported.rows.filter(row => row.service === service.name);
      expect(new Set(serviceRows.map(row => row.cloud))).toEqual(new Set([service.cloud]));
    }
  });

  it('costs about $500 per 30 days', () => {
    const total = [...costsBy(() => true).values()].reduce((a, b) => a + b, 0);
    const perMonth = (total / 120) * 30;
    expect(perMonth).toBeGreaterThan(450);
    expect(perMonth).toBeLessThan(550);
  });

  it('has weekly seasonality: weekends cost less than weekdays', () => {
    const daily = costsBy(() => true);
    const days = eachDay(addDays(endDay, -55), addDays(endDay, -20));
    const weekend = days.filter(day => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()));
    const weekdays = days.filter(day => !weekend.includes(day));
    const mean = (list: string[]) => list.reduce((sum, day) => sum + daily.get(day)!, 0) / list.length;
    expect(mean(weekend)).toBeLessThan(mean(weekdays) * 0.97);
  });

  it('grows the recommendation service by about 85% over the period', () => {
    const daily = costsBy(row => row.service === DATASET_STORY.growthService);
    const firstWeek = eachDay(addDays(endDay, -119), addDays(endDay, -113)).reduce((s, d) => s + daily.get(d)!, 0);
    const lastWeek = eachDay(addDays(endDay, -6), endDay).reduce((s, d) => s + daily.get(d)!, 0);
    expect(lastWeek / firstWeek).toBeGreaterThan(1.75);
    expect(lastWeek / firstWeek).toBeLessThan(1.95);
  });

  it('has one anomaly spike on the analytics service', () => {
    const daily = costsBy(row => row.service === DATASET_STORY.anomalyService);
    const spikeDay = addDays(endDay, -DATASET_STORY.anomalyDaysBeforeEnd);
    const ordinary = [...daily.entries()].filter(([day]) => day !== spikeDay).map(([, cost]) => cost);
    expect(daily.get(spikeDay)!).toBeGreaterThan(Math.max(...ordinary) * 3);
  });

  it('includes the current month so month-to-date is meaningful', () => {
    expect(imported.rows.some(row => row.day === monthStart(endDay))).toBe(true);
  });
});
