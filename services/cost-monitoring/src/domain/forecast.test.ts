import { isoWeekday, type Day } from './dates';
import { forecastMonthEnd } from './forecast';
import { roundCents } from './money';

describe('forecastMonthEnd', () => {
  it('projects the rest of the month from the trailing 7-day mean and 28-day weekday factors', () => {
    // Weekdays cost 10, weekends 5, since October: the projection must reproduce that pattern exactly.
    const costOn = (day: Day) => {
      if (day < '2026-10-01') return 0;
      return isoWeekday(day) >= 5 ? 5 : 10;
    };
    const forecast = forecastMonthEnd({ costOn, asOf: '2026-11-18', historyStart: '2026-10-01' });
    expect(forecast.month).toBe('2026-11');
    expect(forecast.daysElapsed).toBe(18);
    expect(forecast.daysInMonth).toBe(30);
    // 1..18 November: 13 weekdays x 10 + 5 weekend days x 5.
    expect(forecast.monthToDate).toBe(155);
    expect(roundCents(forecast.dailyLevel)).toBe(8.57);
    expect(forecast.weekdayFactors.map(f => roundCents(f))).toEqual([1.17, 1.17, 1.17, 1.17, 1.17, 0.58, 0.58]);
    // 19..30 November: 8 weekdays x 10 + 4 weekend days x 5.
    expect(roundCents(forecast.projectedRemainder)).toBe(100);
    expect(roundCents(forecast.forecast)).toBe(255);
  });

  it('uses flat weekday factors while there are fewer than 28 days of history', () => {
    const costOn = (day: Day) => (day >= '2026-11-01' ? Number(day.slice(8, 10)) : 0);
    const forecast = forecastMonthEnd({ costOn, asOf: '2026-11-10', historyStart: '2026-11-01' });
    expect(forecast.weekdayFactors).toEqual([1, 1, 1, 1, 1, 1, 1]);
    // Level: mean of 4..10 = 7; 20 remaining days x 7 = 140; month to date 1 + ... + 10 = 55.
    expect(forecast.dailyLevel).toBe(7);
    expect(forecast.monthToDate).toBe(55);
    expect(forecast.forecast).toBe(195);
  });

  it('averages only the known days when history is shorter than a week', () => {
    const costOn = (day: Day) => (day >= '2026-11-29' ? 12 : 0);
    const forecast = forecastMonthEnd({ costOn, asOf: '2026-11-30', historyStart: '2026-11-29' });
    expect(forecast.dailyLevel).toBe(12);
    expect(forecast.projectedRemainder).toBe(0);
    expect(forecast.forecast).toBe(24);
  });
});
