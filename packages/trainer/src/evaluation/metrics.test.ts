import { catalogueCoverageAtK, hitAtK, ndcgAtK, recallAtK } from './metrics';

describe('ranking metrics', () => {
  // ranked [5, 1, 7, 2], relevant {1, 2, 9}: hits at ranks 2 and 4
  const ranked = [5, 1, 7, 2];
  const relevant = new Set([1, 2, 9]);

  it('recall@K divides the hits by min(K, |relevant|)', () => {
    // K = 2: one hit (item 1) / min(2, 3) = 1/2
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(0.5, 12);
    // K = 10: two hits / min(10, 3) = 2/3
    expect(recallAtK(ranked, relevant, 10)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(ranked, new Set(), 10)).toBe(0);
  });

  it('NDCG@K discounts a hit at rank r by log2(r + 1)', () => {
    // DCG = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677 = 1.061606
    // ideal (3 relevant): 1/log2(2) + 1/log2(3) + 1/log2(4) = 1 + 0.630930 + 0.5 = 2.130930
    // NDCG = 1.061606 / 2.130930 = 0.498190
    expect(ndcgAtK(ranked, relevant, 10)).toBeCloseTo(0.49819, 5);
    // K = 2: DCG = 1/log2(3) = 0.630930; ideal = 1 + 0.630930 = 1.630930; 0.630930 / 1.630930 = 0.386853
    expect(ndcgAtK(ranked, relevant, 2)).toBeCloseTo(0.386853, 5);
    // a perfect list scores 1
    expect(ndcgAtK([1, 2, 9], relevant, 10)).toBeCloseTo(1, 12);
  });

  it('hit rate@K is 1 with any hit in the top K', () => {
    expect(hitAtK(ranked, relevant, 1)).toBe(0); // rank 1 is item 5
    expect(hitAtK(ranked, relevant, 2)).toBe(1); // rank 2 is item 1
  });

  it('coverage@K counts distinct recommended items over the catalogue', () => {
    // top 2 of the lists: {0, 1} and {1, 3} -> {0, 1, 3}: 3 of 10 items
    expect(catalogueCoverageAtK([[0, 1, 2], [1, 3, 4]], 10, 2)).toBeCloseTo(0.3, 12);
  });
});
