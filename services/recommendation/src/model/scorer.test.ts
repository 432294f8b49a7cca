import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { MlflowError, type ModelVersion } from '@platform/model-registry';
import { modelFiles, type ModelSpec } from '../__testUtils__/modelFixture';
import { recommendationMetrics } from '../metrics';
import { ARTIFACT_FILES, type LoadedModel, parseModel } from './artifact';
import { DotScorer } from './DotScorer';
import { ModelStore } from './ModelStore';
import { rankByDot, selectTop, userVector } from './scoring';

/** a small deterministic generator (mulberry32) */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomModel(items: number, users: number, k: number): LoadedModel {
  const next = random(3);
  const vector = () => Array.from({ length: k }, () => next() - 0.5);
  const spec: ModelSpec = { items: {}, users: {} };
  for (let i = 0; i < items; i++) spec.items[`p${i}`] = vector();
  for (let u = 0; u < users; u++) spec.users[`u${u}`] = vector();
  return parseModel('m', '1', modelFiles(spec));
}

describe('DotScorer (WebAssembly)', () => {
  let scorer: DotScorer;
  beforeAll(async () => {
    scorer = await DotScorer.create();
  });

  it('ranks by dot product, best first, without excluded items', () => {
    // u = (2, 1): a 2, b 2.5, c 1, d -2 (hand-computed)
    const model = parseModel('m', '1', modelFiles({ items: { a: [1, 0], b: [1, 0.5], c: [0, 1], d: [-1, 0] }, users: { u: [2, 1] } }));
    const user = userVector(model, 0);
    expect(scorer.rank(model, user, 3, () => false)).toEqual([
      { productId: 'b', score: 2.5 },
      { productId: 'a', score: 2 },
      { productId: 'c', score: 1 },
    ]);
    expect(scorer.rank(model, user, 2, id => id === 'b')).toEqual([
      { productId: 'a', score: 2 },
      { productId: 'c', score: 1 },
    ]);
    // more asked for than there are available items: all of them
    expect(scorer.rank(model, user, 10, id => id !== 'd').map(s => s.productId)).toEqual(['d']);
  });

  it('gives the same top-K as the typed-array loop, scores equal to float32 precision', () => {
    const model = randomModel(3_000, 50, 32);
    const unavailable = new Set(['p5', 'p77', 'p1234']);
    const excluded = (id: string) => unavailable.has(id);
    for (let row = 0; row < model.users; row++) {
      const user = userVector(model, row);
      const reference = rankByDot(model, user, 20, excluded);
      const wasm = scorer.rank(model, user, 20, excluded);
      expect(wasm.map(s => s.productId)).toEqual(reference.map(s => s.productId));
      wasm.forEach((s, i) => expect(s.score).toBeCloseTo(reference[i].score, 5));
    }
  });

  it('frees a retired model and prepares each model once', () => {
    const model = randomModel(10, 1, 4);
    const before = scorer.prepared;
    scorer.prepare(model);
    scorer.prepare(model);
    expect(scorer.prepared).toBe(before + 1);
    scorer.retire(model);
    expect(scorer.prepared).toBe(before);
  });
});

describe('selectTop', () => {
  it('agrees with sorting every available score (any length, ties, few or no available items)', () => {
    const next = random(11);
    for (const [n, k, unavailableShare] of [[1, 3, 0], [7, 3, 0.2], [1_001, 20, 0.1], [10_003, 20, 0.01], [50, 20, 0.9], [9, 4, 1]] as const) {
      // coarse values: many ties
      const scores = Float32Array.from({ length: n }, () => Math.round(next() * 200) / 8);
      const ids = Array.from({ length: n }, (_, i) => `p${i}`);
      const unavailable = new Set(ids.filter(() => next() < unavailableShare));
      const expected = ids
        .map((productId, row) => ({ productId, row, score: scores[row] }))
        .filter(c => !unavailable.has(c.productId))
        .sort((a, b) => b.score - a.score || a.row - b.row)
        .slice(0, k)
        .map(({ productId, score }) => ({ productId, score }));
      const top = selectTop(scores, k, ids, id => unavailable.has(id));
      // the same scores in the same order; which of several items tied at the K-th score stays is the heap's choice
      expect(top.map(t => t.score)).toEqual(expected.map(e => e.score));
      const kth = expected.at(-1)?.score;
      expect(top.filter(t => t.score !== kth)).toEqual(expected.filter(e => e.score !== kth));
      for (const t of top) {
        expect(unavailable.has(t.productId)).toBe(false);
        expect(scores[Number(t.productId.slice(1))]).toBe(t.score);
      }
      expect(new Set(top.map(t => t.productId)).size).toBe(top.length);
    }
  });

  it('keeps the K best of precomputed scores, ties by lower row, asking the filter only about candidates', () => {
    const asked: string[] = [];
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const top = selectTop(new Float32Array([3, 9, 1, 7, 7, 2]), 3, ids, id => {
      asked.push(id);
      return id === 'b';
    });
    expect(top).toEqual([
      { productId: 'd', score: 7 },
      { productId: 'e', score: 7 },
      { productId: 'a', score: 3 },
    ]);
    // c (1) and f (2) cannot enter once the heap holds 3, 7, 7: never asked
    expect(asked).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('ModelStore serve and retire hooks', () => {
  it('prepares a version before it is served and retires it when no alias serves it any more', async () => {
    const files = (tag: number) => modelFiles({ items: { a: [tag, 0] }, users: {} }) as Record<string, Buffer>;
    const artifacts: Record<string, Record<string, Buffer>> = { 'src-1': files(1), 'src-2': files(2) };
    const aliases: Record<string, string> = { champion: '1', challenger: '1' };
    const registry = {
      versionByAlias: async (name: string, alias: string): Promise<ModelVersion> => {
        const version = aliases[alias];
        if (!version) throw new MlflowError('no such alias', 404, 'RESOURCE_DOES_NOT_EXIST');
        return { name, version, source: `src-${version}`, run_id: 'r' };
      },
      downloadArtifact: async (source: string, file: string) => artifacts[source][file as (typeof ARTIFACT_FILES)[keyof typeof ARTIFACT_FILES]],
    };
    const events: string[] = [];
    const store = new ModelStore({
      registry,
      modelName: 'm',
      aliases: ['champion', 'challenger'],
      pollIntervalMs: 60_000,
      timeoutMs: 5_000,
      metrics: recommendationMetrics(new Registry()),
      logger: { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger,
      onServe: model => events.push(`serve ${model.version}${store.get('champion') === model ? ' (already served)' : ''}`),
      onRetire: model => events.push(`retire ${model.version}`),
    });

    await store.refresh();
    // one copy for both aliases, prepared before the first alias serves it
    expect(events).toEqual(['serve 1', 'serve 1 (already served)']);
    expect(store.get('challenger')).toBe(store.champion());

    aliases.champion = '2';
    await store.refresh();
    // v1 is still the challenger's: not retired
    expect(events.slice(2)).toEqual(['serve 2']);

    delete aliases.challenger;
    await store.refresh();
    expect(events.slice(3)).toEqual(['retire 1']);
    expect(store.champion()?.version).toBe('2');
  });

  it('keeps serving the previous version when a new one cannot be prepared, and tries again at the next poll', async () => {
    const artifacts: Record<string, Record<string, Buffer>> = {
      'src-1': modelFiles({ items: { a: [1, 0] }, users: {} }) as Record<string, Buffer>,
      'src-2': modelFiles({ items: { a: [2, 0] }, users: {} }) as Record<string, Buffer>,
    };
    let champion = '1';
    let refuse = true;
    const store = new ModelStore({
      registry: {
        versionByAlias: async (name: string) => ({ name, version: champion, source: `src-${champion}`, run_id: 'r' }),
        downloadArtifact: async (source: string, file: string) => artifacts[source][file],
      },
      modelName: 'm',
      aliases: ['champion'],
      pollIntervalMs: 60_000,
      timeoutMs: 5_000,
      metrics: recommendationMetrics(new Registry()),
      logger: { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger,
      onServe: model => {
        if (model.version === '2' && refuse) throw new Error('out of memory');
      },
    });
    await store.refresh();
    champion = '2';
    await store.refresh();
    expect(store.champion()?.version).toBe('1');
    refuse = false;
    await store.refresh();
    expect(store.champion()?.version).toBe('2');
  });
});
