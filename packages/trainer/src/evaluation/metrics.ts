/**
 * Ranking metrics of one user, binary relevance. `ranked` is the model's top list (best first, the user's
 * training items already left out), `relevant` the user's held-out items.
 */

/** Share of the relevant items found in the top K, out of the most that could be found: min(K, |relevant|). */
export function recallAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  return hitsAtK(ranked, relevant, k) / Math.min(k, relevant.size);
}

/** DCG of the top K (a hit at 1-based rank r gains 1 / log2(r + 1)) over the DCG of a perfect top K. */
export function ndcgAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  ranked.slice(0, k).forEach((item, index) => {
    if (relevant.has(item)) dcg += 1 / Math.log2(index + 2);
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(k, relevant.size); index++) ideal += 1 / Math.log2(index + 2);
  return dcg / ideal;
}

/** 1 when at least one relevant item is in the top K. */
export function hitAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  return hitsAtK(ranked, relevant, k) > 0 ? 1 : 0;
}

function hitsAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  for (const item of ranked.slice(0, k)) if (relevant.has(item)) hits++;
  return hits;
}

/** Distinct items appearing in any user's top K, over the catalogue size. */
export function catalogueCoverageAtK(rankings: readonly (readonly number[])[], itemCount: number, k: number): number {
  if (itemCount === 0) return 0;
  const seen = new Set<number>();
  for (const ranked of rankings) for (const item of ranked.slice(0, k)) seen.add(item);
  return seen.size / itemCount;
}
