import { ScoreBatch } from './evaluate';

/** Most-popular baseline: an item's score is the number of users with it in training, the same for everyone. */
export function popularityScores(train: readonly ReadonlyMap<number, number>[], itemCount: number): Float32Array {
  const counts = new Float32Array(itemCount);
  for (const items of train) for (const item of items.keys()) counts[item] += 1;
  return counts;
}

export function popularityScorer(train: readonly ReadonlyMap<number, number>[], itemCount: number): ScoreBatch {
  const counts = popularityScores(train, itemCount);
  return users => {
    const out = new Float32Array(users.length * itemCount);
    users.forEach((_, row) => out.set(counts, row * itemCount));
    return out;
  };
}
