import { formatMoney, formatPercent, periodOf } from './format';

describe('format', () => {
  it('formats money with cents and thousands separators', () => {
    expect(formatMoney(1234.5)).toBe('$1,234.50');
    expect(formatMoney(-3)).toBe('-$3.00');
  });

  it('formats ratios as percentages with one decimal', () => {
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(0.5, true)).toBe('+50%');
    expect(formatPercent(-0.25, true)).toBe('-25%');
  });

  it('anchors periods on the newest data day', () => {
    expect(periodOf('month-to-date', '2026-11-23')).toEqual({ from: '2026-11-01', to: '2026-11-23' });
    expect(periodOf('last-30-days', '2026-11-23')).toEqual({ from: '2026-10-25', to: '2026-11-23' });
    expect(periodOf('last-90-days', '2026-11-23')).toEqual({ from: '2026-08-26', to: '2026-11-23' });
    expect(periodOf('previous-month', '2026-03-05')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  });
});
