import { z } from 'zod';

/** Weights of the interaction types, as in the feature store and the trainer's interactions table. */
export const INTERACTION_WEIGHTS = { view: 1, click: 2, cart: 4, purchase: 8 } as const;
export type InteractionType = keyof typeof INTERACTION_WEIGHTS;
export const INTERACTION_TYPES = Object.keys(INTERACTION_WEIGHTS) as InteractionType[];

/** What the service reads of a TrackedEvent on `events.<type>`. */
export const interactionSchema = z.object({
  type: z.enum(['view', 'click', 'cart', 'purchase']),
  productId: z.string().min(1).optional(),
  ts: z.string().datetime({ offset: true }),
});

const HOUR_MS = 3_600_000;

/**
 * Weighted interaction counts per product over a sliding window of whole UTC hours: the current hour and the
 * `windowHours - 1` before it (by the event's `ts`; an event dated in the future counts in the current hour).
 * Hourly buckets leave the window as a whole, so the window is between windowHours - 1 and windowHours long.
 */
export class TrendingWindow {
  private readonly buckets = new Map<number, Map<string, number>>();
  private readonly bucketEvents = new Map<number, number>();
  private readonly totals = new Map<string, number>();
  private events = 0;
  private ranked: Array<[string, number]> | undefined;
  private rankedAt = 0;

  constructor(
    private readonly windowHours: number,
    private readonly now: () => number = Date.now,
    /** how long a computed ranking is reused (ms) */
    private readonly rankTtlMs = 1_000,
  ) {}

  add(productId: string, weight: number, tsMillis: number): void {
    const current = Math.floor(this.now() / HOUR_MS);
    this.expire(current);
    const hour = Math.min(Math.floor(tsMillis / HOUR_MS), current);
    if (hour <= current - this.windowHours) return;
    let bucket = this.buckets.get(hour);
    if (!bucket) this.buckets.set(hour, (bucket = new Map()));
    bucket.set(productId, (bucket.get(productId) ?? 0) + weight);
    this.totals.set(productId, (this.totals.get(productId) ?? 0) + weight);
    this.bucketEvents.set(hour, (this.bucketEvents.get(hour) ?? 0) + 1);
    this.events++;
    this.ranked = undefined;
  }

  /** interaction events inside the window */
  get size(): number {
    this.expire(Math.floor(this.now() / HOUR_MS));
    return this.events;
  }

  /** the products of the window by weight, heaviest first (ties by product id), without excluded ones */
  top(topK: number, excluded: (productId: string) => boolean): Array<{ productId: string; score: number }> {
    const now = this.now();
    this.expire(Math.floor(now / HOUR_MS));
    if (!this.ranked || now - this.rankedAt > this.rankTtlMs) {
      this.ranked = [...this.totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      this.rankedAt = now;
    }
    const out: Array<{ productId: string; score: number }> = [];
    for (const [productId, score] of this.ranked) {
      if (out.length >= topK) break;
      if (!excluded(productId)) out.push({ productId, score });
    }
    return out;
  }

  private expire(currentHour: number) {
    for (const [hour, bucket] of this.buckets) {
      if (hour > currentHour - this.windowHours) continue;
      for (const [productId, weight] of bucket) {
        const left = (this.totals.get(productId) ?? 0) - weight;
        if (left > 0) this.totals.set(productId, left);
        else this.totals.delete(productId);
      }
      this.events -= this.bucketEvents.get(hour) ?? 0;
      this.bucketEvents.delete(hour);
      this.buckets.delete(hour);
      this.ranked = undefined;
    }
  }
}

