import { closeAtMillis, isFull } from './rolling';

const policy = { maxRows: 3, maxBytes: 1000, hourGraceMs: 5 * 60_000, maxOpenMs: 65 * 60_000 };
const at = (iso: string) => Date.parse(iso);

describe('rolling policy', () => {
  it('closes a file of the current hour a grace after the hour ends', () => {
    expect(closeAtMillis(at('2026-01-01T11:00:00Z'), at('2026-01-01T10:00:02Z'), policy)).toBe(at('2026-01-01T11:05:00Z'));
  });

  it('keeps a file of late events of a past hour open for a grace after it opened', () => {
    expect(closeAtMillis(at('2026-01-01T09:00:00Z'), at('2026-01-01T12:30:00Z'), policy)).toBe(at('2026-01-01T12:35:00Z'));
  });

  it('closes a file of a future hour (a wrong client clock) at the longest open time', () => {
    expect(closeAtMillis(at('2026-01-03T00:00:00Z'), at('2026-01-01T12:00:00Z'), policy)).toBe(at('2026-01-01T13:05:00Z'));
  });

  it('closes a file early at the row or byte limit', () => {
    expect(isFull(2, 999, policy)).toBe(false);
    expect(isFull(3, 10, policy)).toBe(true);
    expect(isFull(1, 1000, policy)).toBe(true);
  });
});
