import { topK } from './topK';

describe('topK', () => {
  it('takes the best scores first, without the excluded items, ties to the lower index', () => {
    // scores by item: 0:0.1 1:0.9 2:0.5 3:0.9 4:0.7; item 1 excluded
    // left: 3 (0.9), 4 (0.7), 2 (0.5), 0 (0.1)
    expect(topK([0.1, 0.9, 0.5, 0.9, 0.7], 3, new Set([1]))).toEqual([3, 4, 2]);
    // tie 1 and 3 at 0.9: 1 first
    expect(topK([0.1, 0.9, 0.5, 0.9, 0.7], 2, new Set())).toEqual([1, 3]);
    // K above what is left returns everything left
    expect(topK([0.2, 0.4], 5, new Set([0]))).toEqual([1]);
  });
});
