import { formatMetric, formatTime, shortId, shortRef } from './format';

describe('format', () => {
  it('formats times in UTC, metrics to four decimals, refs and ids short', () => {
    expect(formatTime('2026-12-01T10:00:00.000Z')).toBe('2026-12-01 10:00 UTC');
    expect(formatTime(null)).toBe('—');
    expect(formatMetric(0.25)).toBe('0.2500');
    expect(formatMetric(null)).toBe('—');
    expect(shortRef('group:default/personalization-team')).toBe('personalization-team');
    expect(shortRef('group:ml/personalization-team')).toBe('ml/personalization-team');
    expect(shortId('0123456789abcdef')).toBe('0123456789ab');
  });
});
