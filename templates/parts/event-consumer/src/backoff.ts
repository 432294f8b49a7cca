/** Bounded exponential backoff: the delay before retry `attempt` (1 = first retry). */
export interface BackoffOptions {
  /** delay before the first retry (default 100 ms) */
  initialMs?: number;
  /** the delay never exceeds this (default 10 s) */
  maxMs?: number;
  /** fraction of the delay drawn at random, 0 (none) to 1 (full jitter); default 0.5 */
  jitter?: number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initialMs = options.initialMs ?? 100;
  const maxMs = options.maxMs ?? 10_000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const capped = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  // Jitter spreads the retries of many replicas that failed at the same moment.
  return capped * (1 - jitter) + Math.random() * capped * jitter;
}
