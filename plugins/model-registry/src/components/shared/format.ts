/** `2026-12-01 10:00 UTC`; an em dash for a missing time. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Four decimals, as offline metrics are compared; an em dash when missing. */
export function formatMetric(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(4);
}

/** `group:default/personalization-team` -> `personalization-team` (the namespace only when not default). */
export function shortRef(ref: string | null | undefined): string {
  if (!ref) return '—';
  const match = /^[^:]+:(?:([^/]+)\/)?(.+)$/.exec(ref);
  if (!match) return ref;
  return match[1] && match[1] !== 'default' ? `${match[1]}/${match[2]}` : match[2];
}

/** The first 12 characters of a fingerprint or run id, which is what people compare by eye. */
export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 12) : '—';
}
