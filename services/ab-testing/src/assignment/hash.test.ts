import { assignVariant, bucketIndex, bucketRanges, fnv32a, hashV2, variantForBucket } from './hash';
import { userId } from '../__testUtils__/harness';

// GrowthBook's own test vectors (growthbook/growthbook packages/sdk-js/test/cases.json, section "hash", the
// version 2 rows: [seed, value, 2, expected]): independent expected values for "the same bucket on any machine".
const GROWTHBOOK_HASH_V2: Array<[string, string, number]> = [
  ['seed', 'a', 0.0505],
  ['seed', 'b', 0.2696],
  ['foo', 'ab', 0.2575],
  ['foo', 'def', 0.2019],
  ['89123klj', '8952klfjas09ujkasdf', 0.124],
  ['90850943850283058242805', '123', 0.7516],
  ['()**(%$##$%#$#', '___)((*":&', 0.0128],
];

const USERS = 100_000;
const users = Array.from({ length: USERS }, (_, i) => userId(i));

/** every user's bucket under one seed, hashed once: the split tests lay different weights over the same buckets */
const splitBuckets = users.map(user => bucketIndex('split-test', user));

const split = (variants: Array<{ name: string; weight: number }>) => {
  const counts = new Map<string, number>(variants.map(v => [v.name, 0]));
  for (const bucket of splitBuckets) {
    const variant = variantForBucket(variants, bucket);
    counts.set(variant, counts.get(variant)! + 1);
  }
  return counts;
};

describe('hash (GrowthBook v2)', () => {
  it.each(GROWTHBOOK_HASH_V2)('hash(%j, %j) is %d as in GrowthBook', (seed, value, expected) => {
    expect(hashV2(seed, value)).toBe(expected);
  });

  it('is 32-bit FNV-1a', () => {
    // the FNV-1a 32 offset basis for the empty string, and the published value for "a"
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
  });

  it('pins the decisions of the demo experiment, so a change of the hash or the layout fails here', () => {
    const variants = [
      { name: 'control', weight: 90 },
      { name: 'treatment', weight: 10 },
    ];
    // [userId, bucket 0..9999, variant at 90/10]: treatment exactly when the bucket is in [9000, 10000)
    const pinned: Array<[string, number, string]> = [
      ['a12ee66d-3132-489d-8aff-2dd950dc57e5', 8569, 'control'],
      ['74474476-71b1-4529-8091-08096a3a6867', 279, 'control'],
      ['a105b58c-1be1-432f-8165-921a94d955d0', 5934, 'control'],
      ['bb26966d-ba74-4bba-8578-76cd88807fb7', 9337, 'treatment'],
      ['d3f8c614-be33-4062-8fbc-f151790f2115', 9233, 'treatment'],
    ];
    for (const [user, bucket, variant] of pinned) {
      expect(bucketIndex('recommendation-ranking', user)).toBe(bucket);
      expect(assignVariant('recommendation-ranking', user, variants)).toBe(variant);
    }
  });
});

describe('bucket ranges', () => {
  it('puts control at the bottom and stacks treatments from the top', () => {
    expect(bucketRanges([{ name: 'control', weight: 90 }, { name: 'treatment', weight: 10 }])).toEqual([
      { name: 'control', start: 0, end: 9000 },
      { name: 'treatment', start: 9000, end: 10000 },
    ]);
    expect(bucketRanges([{ name: 'c', weight: 50 }, { name: 't1', weight: 30 }, { name: 't2', weight: 20 }])).toEqual([
      { name: 'c', start: 0, end: 5000 },
      { name: 't1', start: 7000, end: 10000 },
      { name: 't2', start: 5000, end: 7000 },
    ]);
    expect(variantForBucket([{ name: 'c', weight: 100 }, { name: 't', weight: 0 }], 9999)).toBe('c');
    expect(variantForBucket([{ name: 'c', weight: 0 }, { name: 't', weight: 100 }], 0)).toBe('t');
  });
});

describe('assignment of 100,000 users', () => {
  it.each([
    [[{ name: 'control', weight: 90 }, { name: 'treatment', weight: 10 }]],
    [[{ name: 'control', weight: 50 }, { name: 'treatment', weight: 50 }]],
    [[{ name: 'control', weight: 34 }, { name: 'a', weight: 33 }, { name: 'b', weight: 33 }]],
    [[{ name: 'control', weight: 1 }, { name: 'a', weight: 19 }, { name: 'b', weight: 80 }]],
  ])('splits within 0.5 percentage points of the weights %j', variants => {
    const counts = split(variants);
    for (const variant of variants) {
      expect(Math.abs((100 * counts.get(variant.name)!) / USERS - variant.weight)).toBeLessThan(0.5);
    }
  });

  it('ramping treatment from 10% to 50% moves no one from treatment back to control', () => {
    const at = (weight: number) => [
      { name: 'control', weight: 100 - weight },
      { name: 'treatment', weight },
    ];
    const buckets = splitBuckets;
    const before = buckets.map(bucket => variantForBucket(at(10), bucket));
    for (const weight of [20, 50]) {
      const after = buckets.map(bucket => variantForBucket(at(weight), bucket));
      const backToControl = before.filter((variant, i) => variant === 'treatment' && after[i] !== 'treatment').length;
      expect(backToControl).toBe(0);
      const newlyTreated = before.filter((variant, i) => variant === 'control' && after[i] === 'treatment').length;
      // the new share comes from control only
      expect(Math.abs((100 * newlyTreated) / USERS - (weight - 10))).toBeLessThan(0.5);
    }
    // and the pure function agrees with the bucket it reports
    expect(users.slice(0, 1000).every((user, i) => assignVariant('split-test', user, at(10)) === before[i])).toBe(true);
  });

  it('with two treatments, raising both keeps every treated user in a treatment, and t1 users in t1', () => {
    const before = [{ name: 'control', weight: 80 }, { name: 't1', weight: 10 }, { name: 't2', weight: 10 }];
    const after = [{ name: 'control', weight: 40 }, { name: 't1', weight: 30 }, { name: 't2', weight: 30 }];
    let violations = 0;
    for (const bucket of splitBuckets) {
      const was = variantForBucket(before, bucket);
      const is = variantForBucket(after, bucket);
      if ((was === 't1' && is !== 't1') || (was !== 'control' && is === 'control')) violations++;
    }
    expect(violations).toBe(0);
  });

  it('is independent between experiments (another seed, another split)', () => {
    const variants = [{ name: 'control', weight: 50 }, { name: 'treatment', weight: 50 }];
    let same = 0;
    for (const user of users.slice(0, 20_000)) {
      if (assignVariant('seed-one', user, variants) === assignVariant('seed-two', user, variants)) same++;
    }
    expect(Math.abs(same / 20_000 - 0.5)).toBeLessThan(0.02);
  });
});
