import { modelFiles } from '../__testUtils__/modelFixture';
import { TrendingWindow } from '../trending/TrendingWindow';
import { ModelLoadError, parseModel } from './artifact';
import { rankByDot, TopK } from './scoring';

const spec = {
  items: { a: [1, 0], b: [0.5, 0.5], c: [0, 1] },
  users: { u: [1, 0] },
  popularity: ['c', 'a', 'b'],
};

const refusal = (files: Record<string, Buffer>) => {
  try {
    parseModel('m', '1', files as never);
  } catch (error) {
    return (error as ModelLoadError).reason;
  }
  return 'loaded';
};

describe('artifact checks', () => {
  const good = modelFiles(spec);
  it('loads a well-formed model', () => {
    const model = parseModel('m', '1', good);
    expect(model.itemIds).toEqual(['a', 'b', 'c']);
    expect([...model.popularity]).toEqual([2, 0, 1]);
    expect(rankByDot(model, model.userFactors.subarray(0, 2), 2, () => false).map(s => s.productId)).toEqual(['a', 'b']);
  });
  it.each([
    ['unparsable manifest', { 'manifest.json': Buffer.from('{nope') }, 'unparsable_json'],
    ['unparsable index', { 'item_index.json': Buffer.from('[') }, 'unparsable_json'],
    ['another format', { 'manifest.json': Buffer.from(JSON.stringify({ format: 'platform-ials-v2', factors: 2, users: 1, items: 3 })) }, 'wrong_format'],
    ['float64', { 'manifest.json': Buffer.from(JSON.stringify({ format: 'platform-ials-v1', factors: 2, users: 1, items: 3, dtype: 'float64' })) }, 'wrong_format'],
    ['a short item matrix', { 'item_factors.bin': good['item_factors.bin'].subarray(0, 20) }, 'size_mismatch'],
    ['an index shorter than the manifest', { 'item_index.json': Buffer.from('["a","b"]') }, 'size_mismatch'],
    ['a repeated id', { 'item_index.json': Buffer.from('["a","a","c"]') }, 'bad_index'],
    ['popularity naming an unknown item', { 'popularity.json': Buffer.from('["zz"]') }, 'bad_index'],
    ['infinity', { 'user_factors.bin': Buffer.from(new Float32Array([Infinity, 0]).buffer) }, 'non_finite'],
    ['NaN', { 'item_factors.bin': Buffer.from(new Float32Array([1, 0, NaN, 0.5, 0, 1]).buffer) }, 'non_finite'],
  ])('refuses %s', (_name, patch, reason) => {
    expect(refusal({ ...good, ...patch })).toBe(reason);
  });
});

describe('TopK', () => {
  it('keeps the K best, best first, and asks the filter only about candidates', () => {
    const heap = new TopK(3);
    const scores = [5, 1, 9, 7, 3, 8, 2];
    for (let i = 0; i < scores.length; i++) if (heap.admits(scores[i]) && i !== 2) heap.push(i, scores[i]);
    // 9 (row 2) is excluded: 8, 7, 5 remain
    expect(heap.drain()).toEqual([
      { row: 5, score: 8 },
      { row: 3, score: 7 },
      { row: 0, score: 5 },
    ]);
  });
});

describe('TrendingWindow', () => {
  it('counts weights per product within whole hours and forgets hours that leave the window', () => {
    const HOUR = 3_600_000;
    let now = 100 * HOUR + 10;
    const window = new TrendingWindow(2, () => now, 0);
    window.add('x', 8, now);
    window.add('y', 1, now - HOUR);
    window.add('y', 1, now - HOUR);
    window.add('z', 4, now - 2 * HOUR); // outside: the current hour and the one before only
    expect(window.top(5, () => false)).toEqual([
      { productId: 'x', score: 8 },
      { productId: 'y', score: 2 },
    ]);
    expect(window.size).toBe(3);
    now += HOUR;
    expect(window.top(5, () => false)).toEqual([{ productId: 'x', score: 8 }]);
    expect(window.top(5, id => id === 'x')).toEqual([]);
    expect(window.size).toBe(1);
  });
});
