import { DEFAULT_GROWTH_THRESHOLDS, detectBudgetAlert, detectGrowthAlerts } from './alerts';
import type { Day } from './dates';
import { forecastMonthEnd } from './forecast';

describe('detectGrowthAlerts', () => {
  const spiky = (day: Day) => (day === '2026-11-14' ? 40 : 10);

  it('finds the day-over-day spike and the week-over-week growth of the week that holds it', () => {
    const alerts = detectGrowthAlerts({
      service: 'analytics-service',
      costOn: spiky,
      from: '2026-11-02',
      to: '2026-11-22',
      historyStart: '2026-10-01',
      thresholds: DEFAULT_GROWTH_THRESHOLDS,
    });
    expect(alerts).toEqual([
      {
        key: 'day-over-day:analytics-service:2026-11-14',
        kind: 'day-over-day',
        service: 'analytics-service',
        periodStart: '2026-11-14',
        periodEnd: '2026-11-14',
        observed: 40,
        baseline: 10,
        change: 3,
        threshold: 0.5,
        message:
          'analytics-service cost $40.00 on 2026-11-14, 300% more than the day before ($10.00); threshold 50%',
      },
      {
        key: 'week-over-week:analytics-service:2026-11-09',
        kind: 'week-over-week',
        service: 'analytics-service',
        periodStart: '2026-11-09',
        periodEnd: '2026-11-15',
        observed: 100,
        baseline: 70,
        change: 30 / 70,
        threshold: 0.25,
        message:
          'analytics-service cost $100.00 in the week of 2026-11-09, 43% more than the week before ($70.00); threshold 25%',
      },
    ]);
  });

  it('honours a per-service threshold', () => {
    const alerts = detectGrowthAlerts({
      service: 'analytics-service',
      costOn: spiky,
      from: '2026-11-02',
      to: '2026-11-22',
      historyStart: '2026-10-01',
      thresholds: { dayOverDay: 3.5, weekOverWeek: 0.5, minDelta: 1 },
    });
    expect(alerts).toEqual([]);
  });

  it('ignores growth smaller than the minimum delta and baselines older than the history', () => {
    const small = (day: Day) => {
      if (day === '2026-11-10') return 1.2;
      return day < '2026-11-05' ? 0 : 0.5;
    };
    const alerts = detectGrowthAlerts({
      service: 'ab-testing-service',
      costOn: small,
      from: '2026-11-01',
      to: '2026-11-15',
      historyStart: '2026-11-05',
      thresholds: DEFAULT_GROWTH_THRESHOLDS,
    });
    expect(alerts).toEqual([]);
  });
});

describe('detectBudgetAlert', () => {
  const forecast = forecastMonthEnd({ costOn: () => 10, asOf: '2026-11-18', historyStart: '2026-10-01' });

  it('alerts when the month-end forecast exceeds the budget', () => {
    expect(forecast.forecast).toBe(300);
    expect(detectBudgetAlert(forecast, 250)).toEqual({
      key: 'forecast-over-budget:platform:2026-11',
      kind: 'forecast-over-budget',
      service: null,
      periodStart: '2026-11-01',
      periodEnd: '2026-11-18',
      observed: 300,
      baseline: 250,
      change: 0.2,
      threshold: 0,
      message:
        'Platform forecast for 2026-11 is $300.00, 20% over the monthly budget of $250.00 (month to date $180.00 as of 2026-11-18)',
    });
  });

  it('stays quiet when the forecast is within budget', () => {
    expect(detectBudgetAlert(forecast, 300)).toBeNull();
  });
});
