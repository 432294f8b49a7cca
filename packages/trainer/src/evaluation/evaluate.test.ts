import { IndexedInteractions } from '../data/interactions';
import { evaluateRanking } from './evaluate';
import { popularityScorer } from './popularity';
import { randomSplit, timeSplit } from './splits';

function data(rows: [number, number, number, number][], users: number, items: number): IndexedInteractions {
  return {
    userIds: Array.from({ length: users }, (_, i) => `u${i}`),
    itemIds: Array.from({ length: items }, (_, i) => `i${i}`),
    user: Int32Array.from(rows.map(r => r[0])),
    item: Int32Array.from(rows.map(r => r[1])),
    ts: Float64Array.from(rows.map(r => r[2])),
    weight: Float32Array.from(rows.map(r => r[3])),
  };
}

describe('popularity evaluated by full ranking', () => {
  it('ranks by training users per item, leaving out what the user has', async () => {
    // 25 items; training: u0 {0, 1}, u1 {0, 2}, u2 {0, 1, 3}
    // popularity: item 0: 3 users, item 1: 2, items 2 and 3: 1, the rest 0
    const train = [
      new Map([[0, 1], [1, 1]]),
      new Map([[0, 1], [2, 1]]),
      new Map([[0, 1], [1, 1], [3, 1]]),
    ];
    const metrics = await evaluateRanking(
      {
        itemCount: 25,
        // u0 holds out {2, 24}, u1 {1}, u2 nothing (not evaluated)
        relevant: [new Set([2, 24]), new Set([1]), new Set()],
        excluded: train.map(items => new Set(items.keys())),
      },
      popularityScorer(train, 25),
    );
    // u0 ranking (0, 1 excluded): 2, 3, 4, 5, ..., ties by index; item 2 at rank 1, item 24 at rank 23 (items
    //   2..24 are 23 items), so outside the top 20
    //   recall@10 = recall@20 = 1 / min(K, 2) = 1/2; NDCG@10 = (1/log2(2)) / (1 + 1/log2(3)) = 1 / 1.630930 = 0.613147
    // u1 ranking (0, 2 excluded): 1, 3, 4, ...; item 1 at rank 1: recall 1, NDCG 1
    // means: recall@10 = recall@20 = (0.5 + 1) / 2 = 0.75; NDCG@10 = (0.613147 + 1) / 2 = 0.806574; hit rate 1
    // coverage@10: u0 top 10 = 2..11, u1 top 10 = 1, 3..11 -> items 1..11 = 11 of 25 = 0.44
    expect(metrics.users).toBe(2);
    expect(metrics['recall@10']).toBeCloseTo(0.75, 12);
    expect(metrics['recall@20']).toBeCloseTo(0.75, 12);
    expect(metrics['ndcg@10']).toBeCloseTo(0.806574, 5);
    expect(metrics['hit_rate@10']).toBe(1);
    expect(metrics['coverage@10']).toBeCloseTo(0.44, 12);
  });
});

describe('splits', () => {
  it('random: round(10%) test, round(10%) validation, the rest training, disjoint, seeded', () => {
    // one user with 10 distinct items (0..9), one user with 3 items (round(0.3) = 0 held out)
    const rows: [number, number, number, number][] = [];
    for (let i = 0; i < 10; i++) rows.push([0, i, i, 1]);
    rows.push([0, 4, 20, 8]); // a second event on item 4: weights add up to 9
    for (let i = 0; i < 3; i++) rows.push([1, i, i, 2]);
    const split = randomSplit(data(rows, 2, 10), 7);
    expect(split.test[0].size).toBe(1);
    expect(split.validation[0].size).toBe(1);
    expect(split.train[0].size).toBe(8);
    const all = new Set([...split.train[0].keys(), ...split.validation[0], ...split.test[0]]);
    expect(all.size).toBe(10);
    // item 4 has two events (1 + 8): if it is a training item, its strength is 9
    expect([undefined, 9]).toContain(split.train[0].get(4));
    expect([...split.train[1].entries()].sort((a, b) => a[0] - b[0])).toEqual([[0, 2], [1, 2], [2, 2]]);
    expect(split.test[1].size + split.validation[1].size).toBe(0);
    expect(randomSplit(data(rows, 2, 10), 7)).toEqual(split);
  });

  it('time: the last 20% of events are test, the last 20% before them validation', () => {
    // 10 events of user 0 on items 0..9 at ts 9..0 (reverse order in the table): by ts item 9 is first
    // test = last round(2) = 2 events by ts = items 1, 0; of the 8 before, round(1.6) = 2 validation: items 3, 2
    // training: items 9..4; the test ranking leaves out training and validation items
    const rows: [number, number, number, number][] = [];
    for (let i = 0; i < 10; i++) rows.push([0, i, 9 - i, 1]);
    const split = timeSplit(data(rows, 1, 10));
    expect([...split.test[0]].sort()).toEqual([0, 1]);
    expect([...split.validation[0]].sort()).toEqual([2, 3]);
    expect([...split.train[0].keys()].sort()).toEqual([4, 5, 6, 7, 8, 9]);
    expect([...split.knownForTest[0]].sort()).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('time: a held-out event on an item the user already has is not a target', () => {
    // 5 events: items 0, 1, 2, 3 at ts 0..3, then item 0 again at ts 4
    // test = last round(1) = the ts-4 event (item 0, already in training) -> no test target
    // of the 4 before, round(0.8) = 1 validation: item 3; training items 0, 1, 2
    const rows: [number, number, number, number][] = [
      [0, 0, 0, 1],
      [0, 1, 1, 1],
      [0, 2, 2, 1],
      [0, 3, 3, 1],
      [0, 0, 4, 8],
    ];
    const split = timeSplit(data(rows, 1, 4));
    expect(split.test[0].size).toBe(0);
    expect([...split.validation[0]]).toEqual([3]);
    expect([...split.train[0].entries()]).toEqual([[0, 1], [1, 1], [2, 1]]);
  });
});
