/** Presentation helpers: the page shows the results engine's numbers, formatted, never recomputed. */

/** A ratio as a percent with one decimal, signed when asked: 0.1234 → "+12.3%". */
export function formatPercent(ratio: number, signed = false): string {
  const value = Math.round(ratio * 1000) / 10;
  const text = `${value}%`;
  return signed && value > 0 ? `+${text}` : text;
}

export function formatInterval([low, high]: [number, number]): string {
  return `${formatPercent(low, true)} to ${formatPercent(high, true)}`;
}

export function formatPValue(p: number): string {
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

/** A metric's mean: rates as percents, money-like means with two decimals. */
export function formatMean(kind: 'proportion' | 'mean', mean: number): string {
  return kind === 'proportion' ? formatPercent(mean) : mean.toFixed(2);
}

export function formatTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
}

/** `group:default/personalization-team` → `personalization-team`. */
export function shortRef(ref: string): string {
  return ref.replace(/^[a-z]+:/, '').replace(/^default\//, '');
}
