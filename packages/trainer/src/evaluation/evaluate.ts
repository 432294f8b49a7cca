import { catalogueCoverageAtK, hitAtK, ndcgAtK, recallAtK } from './metrics';
import { topK } from './topK';

export interface RankingMetrics {
  'recall@10': number;
  'recall@20': number;
  'ndcg@10': number;
  'hit_rate@10': number;
  'coverage@10': number;
  /** users with at least one held-out item: the ones the means are over */
  users: number;
}

/** Scores every item for a batch of users: row-major, users.length x itemCount. */
export type ScoreBatch = (users: number[]) => Float32Array | Promise<Float32Array>;

export interface RankingTask {
  itemCount: number;
  /** per user: the held-out items to find */
  relevant: readonly ReadonlySet<number>[];
  /** per user: the items left out of the ranking (what the model was given for the user) */
  excluded: readonly ReadonlySet<number>[];
}

/**
 * Full ranking over all items: each evaluated user's top 20 among every item not excluded, and the metrics'
 * means over the users with something held out. Coverage counts the distinct items of those users' top 10.
 */
export async function evaluateRanking(task: RankingTask, score: ScoreBatch, batchSize = 512): Promise<RankingMetrics> {
  const users = task.relevant.flatMap((items, u) => (items.size > 0 ? [u] : []));
  const rankings: number[][] = [];
  const sums = { r10: 0, r20: 0, n10: 0, h10: 0 };
  for (let start = 0; start < users.length; start += batchSize) {
    const batch = users.slice(start, start + batchSize);
    const scores = await score(batch);
    batch.forEach((u, row) => {
      const ranked = topK(scores.subarray(row * task.itemCount, (row + 1) * task.itemCount), 20, task.excluded[u]);
      const relevant = task.relevant[u];
      sums.r10 += recallAtK(ranked, relevant, 10);
      sums.r20 += recallAtK(ranked, relevant, 20);
      sums.n10 += ndcgAtK(ranked, relevant, 10);
      sums.h10 += hitAtK(ranked, relevant, 10);
      rankings.push(ranked);
    });
  }
  const n = Math.max(users.length, 1);
  return {
    'recall@10': sums.r10 / n,
    'recall@20': sums.r20 / n,
    'ndcg@10': sums.n10 / n,
    'hit_rate@10': sums.h10 / n,
    'coverage@10': catalogueCoverageAtK(rankings, task.itemCount, 10),
    users: users.length,
  };
}
