/** When the sink closes a file. */
export interface RollingPolicy {
  /** a file closes at this many rows */
  maxRows: number;
  /** ... or at about this many bytes of row data, whichever comes first */
  maxBytes: number;
  /** a file of an hour stays open this long after the hour ends, for events that arrive a little late */
  hourGraceMs: number;
  /** no file stays open longer than this, whatever its hour (a client clock in the future cannot hold the commit) */
  maxOpenMs: number;
}

/**
 * The wall-clock time a file opened at `openedAt` for the hour ending at `hourEnd` closes: `grace` after the
 * later of the two (the end of its hour, or its opening for a late event), but never later than `maxOpenMs`
 * after it opened.
 */
export function closeAtMillis(hourEnd: number, openedAt: number, policy: RollingPolicy): number {
  return Math.min(Math.max(hourEnd, openedAt) + policy.hourGraceMs, openedAt + policy.maxOpenMs);
}

export function isFull(rows: number, bytes: number, policy: RollingPolicy): boolean {
  return rows >= policy.maxRows || bytes >= policy.maxBytes;
}
