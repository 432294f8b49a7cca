/**
 * The K best item indices of one score row, best first, leaving out `excluded` (the user's training items).
 * Ties go to the lower item index, so a ranking is deterministic.
 */
export function topK(scores: ArrayLike<number>, k: number, excluded: ReadonlySet<number>): number[] {
  const best: number[] = [];
  for (let item = 0; item < scores.length; item++) {
    if (excluded.has(item)) continue;
    const score = scores[item];
    if (best.length === k && !(score > scores[best[k - 1]])) continue;
    let at = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(item);
    while (at > 0 && score > scores[best[at - 1]]) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = item;
  }
  return best;
}
