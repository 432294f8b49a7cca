import { randomUUID } from 'node:crypto';
import { ModelRegistryFixture, modelFiles, type ModelSpec } from './__testUtils__/modelFixture';
import {
  eventually,
  infra,
  startRecommendation,
  startTopics,
  testNames,
  token,
  type RecommendationHarness,
} from './__testUtils__/harness';
import { startTcpProxy } from './__testUtils__/tcpProxy';
import { RECOMMENDATION_METRICS } from './metrics';

jest.setTimeout(120_000);

// Hand-picked factors (k = 4) whose rankings are obvious: user A points along axis 0, so the items along axis 0
// rank by their length (p-a 1, p-b 0.8, p-c 0.5) and every other item scores 0; user B points along axis 1.
const userA = randomUUID();
const userB = randomUUID();
const v1: ModelSpec = {
  items: {
    'p-a': [1, 0, 0, 0],
    'p-b': [0.8, 0, 0, 0],
    'p-c': [0.5, 0, 0, 0],
    'p-d': [0, 1, 0, 0],
    'p-e': [0, 0.6, 0, 0],
    'p-f': [0, 0, 1, 0],
  },
  users: { [userA]: [1, 0, 0, 0], [userB]: [0, 1, 0, 0] },
  popularity: ['p-f', 'p-e', 'p-c', 'p-a', 'p-b', 'p-d'],
};
// v2: user A now points along axis 2, where only p-f lies
const v2: ModelSpec = { ...v1, users: { [userA]: [0, 0, 1, 0], [userB]: [0, 1, 0, 0] } };

const ids = (body: { items: Array<{ productId: string }> }) => body.items.map(i => i.productId);
const product = (id: string, stock: number, type = 'updated') => ({
  key: id,
  value: {
    eventId: randomUUID(),
    type,
    product: { id, name: id, category: 'c', price: 1, currency: 'EUR', tags: [], attributes: {}, stock, updatedAt: new Date().toISOString() },
    occurredAt: new Date().toISOString(),
  },
});
const interaction = (type: string, productId: string) => ({
  key: randomUUID(),
  value: { eventId: randomUUID(), userId: null, sessionId: 's', type, productId, ts: new Date().toISOString(), meta: {}, receivedAt: new Date().toISOString() },
});

describe('recommendation service against MLflow, Redis and Kafka', () => {
  const names = testNames();
  const registry = new ModelRegistryFixture(infra.MLFLOW_TRACKING_URI, names.modelName);
  let topics: Awaited<ReturnType<typeof startTopics>>;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let h: RecommendationHarness;
  let service: string;
  let customerA: string;
  let version1: string;

  beforeAll(async () => {
    topics = await startTopics(names);
    proxy = await startTcpProxy(new URL(infra.MLFLOW_TRACKING_URI));
    // the service starts before any model exists: it must come up, unready
    h = await startRecommendation(names, { mlflowUrl: proxy.url });
    service = await token('checkout', ['service']);
    customerA = await token(userA, ['customer']);
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
    await topics?.stop();
    await registry.remove();
  });

  it('is not ready and answers 503 until a champion version is loaded, then serves it', async () => {
    const before = await h.get('/readyz');
    expect(before.status).toBe(503);
    expect(before.body.checks.model.status).toBe('unavailable');
    h.contract.assertResponse('GET', '/readyz', before);
    const early = await h.get(`/recommendations?userId=${userA}`, customerA);
    expect(early.status).toBe(503);

    version1 = await registry.register(modelFiles(v1));
    await registry.setAlias('champion', version1);
    await eventually(async () => ((await h.get('/readyz')).status === 200 ? true : undefined), 30_000, 'readiness');
    expect(await h.metric(RECOMMENDATION_METRICS.modelInfo, { alias: 'champion', version: version1 })).toBe(1);

    const res = await h.get(`/recommendations?userId=${userA}&topK=3`, customerA);
    expect(res.status).toBe(200);
    h.contract.assertResponse('GET', '/recommendations', res);
    expect(ids(res.body)).toEqual(['p-a', 'p-b', 'p-c']);
    expect(res.body.items.map((i: { score: number }) => i.score)).toEqual([1, expect.closeTo(0.8, 6), 0.5]);
    expect(res.body).toMatchObject({
      userId: userA,
      variant: 'control',
      modelVersion: version1,
      model: { name: names.modelName, version: version1, alias: 'champion' },
      source: 'model-user-index',
      fallbacks: [],
    });
    expect(res.headers['x-exp-variant']).toBe('control');
  });

  it('401 without a valid token, 403 for another customer, any user for a service or admin, 400 for a bad topK', async () => {
    expect((await h.get(`/recommendations?userId=${userA}`)).status).toBe(401);
    expect((await h.get(`/recommendations?userId=${userA}`, 'not-a-jwt')).status).toBe(401);
    const other = await h.get(`/recommendations?userId=${userA}`, await token(userB, ['customer']));
    expect(other.status).toBe(403);
    h.contract.assertResponse('GET', '/recommendations', other);
    expect((await h.get(`/recommendations?userId=${userB}&topK=2`, service)).body.items.map((i: { productId: string }) => i.productId)).toEqual(['p-d', 'p-e']);
    expect((await h.get(`/recommendations?userId=${userA}`, await token(randomUUID(), ['admin']))).status).toBe(200);
    for (const topK of ['0', '101', 'abc', '2.5']) {
      const bad = await h.get(`/recommendations?userId=${userA}&topK=${topK}`, customerA);
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(bad.body.errors[0].parameter).toBe('topK');
      h.contract.assertResponse('GET', '/recommendations', bad);
    }
    expect((await h.get('/recommendations?userId=not-a-uuid', service)).status).toBe(400);
  });

  it('cold start answers the popularity list; the feature store pointer is used only when it names the served version', async () => {
    const newcomer = randomUUID();
    const cold = await h.get(`/recommendations?userId=${newcomer}&topK=3`, service);
    expect(cold.status).toBe(200);
    expect(ids(cold.body)).toEqual(['p-f', 'p-e', 'p-c']);
    expect(cold.body).toMatchObject({ source: 'popularity', fallbacks: ['cold_start'] });
    h.contract.assertResponse('GET', '/recommendations', cold);
    expect(await h.metric(RECOMMENDATION_METRICS.fallbacks, { reason: 'cold_start' })).toBeGreaterThanOrEqual(1);

    // a pointer at user B's row of this version: the newcomer is ranked like user B
    const key = `${names.featurePrefix}user:${newcomer}`;
    await h.redis.hset(key, 'embedding', JSON.stringify({ model: names.modelName, version: version1, row: 1 }));
    const pointed = await h.get(`/recommendations?userId=${newcomer}&topK=2`, service);
    expect(ids(pointed.body)).toEqual(['p-d', 'p-e']);
    expect(pointed.body.source).toBe('feature-store');
    // a pointer at another version's rows means nothing for this one
    await h.redis.hset(key, 'embedding', JSON.stringify({ model: names.modelName, version: '999', row: 1 }));
    expect((await h.get(`/recommendations?userId=${newcomer}&topK=2`, service)).body.source).toBe('popularity');
  });

  it('similar items by cosine of the item embeddings; 404 problem for an unknown product', async () => {
    const res = await h.get('/recommendations/similar/p-a?topK=2', customerA);
    expect(res.status).toBe(200);
    h.contract.assertResponse('GET', '/recommendations/similar/p-a', res);
    expect(ids(res.body)).toEqual(['p-b', 'p-c']);
    expect(res.body.items.map((i: { score: number }) => i.score)).toEqual([expect.closeTo(1, 6), expect.closeTo(1, 6)]);
    const unknown = await h.get('/recommendations/similar/nope?topK=2', customerA);
    expect(unknown.status).toBe(404);
    h.contract.assertResponse('GET', '/recommendations/similar/nope', unknown);
  });

  it('never recommends a sold-out or deleted product (products topic), in every list; back in stock comes back', async () => {
    await topics.produce(names.productsTopic, [product('p-a', 0), product('p-e', 3, 'deleted')]);
    const res = await eventually(async () => {
      const r = await h.get(`/recommendations?userId=${userA}&topK=3`, customerA);
      return ids(r.body)[0] === 'p-a' ? undefined : r;
    }, 30_000, 'p-a filtered out');
    expect(ids(res.body)).toEqual(['p-b', 'p-c', 'p-d']);
    expect(ids((await h.get(`/recommendations?userId=${randomUUID()}&topK=3`, service)).body)).toEqual(['p-f', 'p-c', 'p-b']);
    expect(ids((await h.get('/recommendations/similar/p-b?topK=5', customerA)).body)).not.toContain('p-a');
    expect(await h.metric(RECOMMENDATION_METRICS.unavailableProducts)).toBe(2);

    await topics.produce(names.productsTopic, [product('p-a', 5)]);
    await eventually(async () => {
      const r = await h.get(`/recommendations?userId=${userA}&topK=3`, customerA);
      return ids(r.body)[0] === 'p-a' ? true : undefined;
    }, 30_000, 'p-a back');
  });

  it('trending: weighted interactions of the window, then popularity to fill up, without unavailable products', async () => {
    await topics.produce(`${names.eventsPrefix}.purchase`, [interaction('purchase', 'p-c')]);
    await topics.produce(`${names.eventsPrefix}.view`, [interaction('view', 'p-d'), interaction('view', 'p-d'), interaction('view', 'p-e')]);
    const res = await eventually(async () => {
      const r = await h.get('/recommendations/trending?topK=4', customerA);
      return r.body.windowEvents === 4 ? r : undefined;
    }, 30_000, 'four events in the window');
    h.contract.assertResponse('GET', '/recommendations/trending', res);
    // p-e (1 view) is deleted: left out; popularity fills: p-f (p-e skipped, p-c taken)
    expect(res.body.items.slice(0, 2)).toEqual([
      { productId: 'p-c', score: 8, basis: 'events' },
      { productId: 'p-d', score: 2, basis: 'events' },
    ]);
    expect(res.body.items.slice(2).map((i: { productId: string; basis: string }) => [i.productId, i.basis])).toEqual([
      ['p-f', 'popularity'],
      ['p-a', 'popularity'],
    ]);
  });

  it('a variant whose alias has no version serves champion and says so; an unknown variant is control', async () => {
    const treatment = await h.get(`/recommendations?userId=${userA}&topK=1`, customerA, { 'X-Exp-Variant': 'treatment' });
    expect(treatment.body).toMatchObject({ variant: 'treatment', model: { alias: 'champion', version: version1 }, fallbacks: ['alias_missing'] });
    expect(treatment.headers['x-exp-variant']).toBe('treatment');
    const unknown = await h.get(`/recommendations?userId=${userA}&topK=1`, customerA, { 'X-Exp-Variant': 'blue' });
    expect(unknown.body.variant).toBe('control');
    expect(unknown.headers['x-exp-variant']).toBe('control');

    const challenger = await registry.register(modelFiles(v2));
    await registry.setAlias('challenger', challenger);
    const served = await eventually(async () => {
      const r = await h.get(`/recommendations?userId=${userA}&topK=1`, customerA, { 'X-Exp-Variant': 'treatment' });
      return r.body.model.alias === 'challenger' ? r : undefined;
    }, 30_000, 'treatment served by the challenger');
    expect(served.body).toMatchObject({ variant: 'treatment', modelVersion: challenger, fallbacks: [] });
    expect(ids(served.body)).toEqual(['p-f']);
    expect((await h.get(`/recommendations?userId=${userA}&topK=1`, customerA)).body.modelVersion).toBe(version1);
  });

  it('refuses a corrupt artifact, keeps serving the old version and counts it', async () => {
    const files = modelFiles(v1);
    const corrupt = Buffer.from(files['item_factors.bin']);
    corrupt.writeFloatLE(Number.NaN, 4);
    const broken = await registry.register({ ...files, 'item_factors.bin': corrupt });
    const truncated = await registry.register({ ...files, 'user_factors.bin': files['user_factors.bin'].subarray(4) });
    await registry.setAlias('champion', broken);
    await eventually(async () => ((await h.metric(RECOMMENDATION_METRICS.modelLoadFailures, { reason: 'non_finite' })) === 1 ? true : undefined), 30_000, 'the NaN refused');
    await registry.setAlias('champion', truncated);
    await eventually(async () => ((await h.metric(RECOMMENDATION_METRICS.modelLoadFailures, { reason: 'size_mismatch' })) === 1 ? true : undefined), 30_000, 'the short file refused');
    const res = await h.get(`/recommendations?userId=${userA}&topK=3`, customerA);
    expect(res.body.modelVersion).toBe(version1);
    expect(ids(res.body)).toEqual(['p-a', 'p-b', 'p-c']);
    expect(await h.metric(RECOMMENDATION_METRICS.modelInfo, { alias: 'champion', version: version1 })).toBe(1);
    // a refused version is not retried at every poll
    await new Promise(resolve => setTimeout(resolve, 600));
    expect(await h.metric(RECOMMENDATION_METRICS.modelLoadFailures, { reason: 'size_mismatch' })).toBe(1);
    await registry.setAlias('champion', version1);
  });

  it('swaps to a new champion under concurrent load without a failed request', async () => {
    const version2 = await registry.register(modelFiles(v2));
    const seen = new Map<string, number>();
    const failures: string[] = [];
    let moved = false;
    let after = 0;
    const worker = async () => {
      while ((!moved || after < 100) && failures.length < 20) {
        const r = await h.get(`/recommendations?userId=${userA}&topK=1`, customerA);
        if (r.status !== 200) {
          failures.push(`${r.status} ${JSON.stringify(r.body)}`);
          continue;
        }
        // the items must come from the version the body names: never a mix of two models
        const expected = r.body.modelVersion === version2 ? 'p-f' : 'p-a';
        if (ids(r.body)[0] !== expected) failures.push(`version ${r.body.modelVersion} answered ${ids(r.body)}`);
        seen.set(r.body.modelVersion, (seen.get(r.body.modelVersion) ?? 0) + 1);
        if (r.body.modelVersion === version2) after++;
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await eventually(async () => ((seen.get(version1) ?? 0) > 50 ? true : undefined), 30_000, 'load on version 1');
    await registry.setAlias('champion', version2);
    moved = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(seen.get(version1)).toBeGreaterThan(50);
    expect(seen.get(version2)).toBeGreaterThanOrEqual(100);
    expect(await h.metric(RECOMMENDATION_METRICS.modelInfo, { alias: 'champion', version: version2 })).toBe(1);
  });

  it('keeps serving and stays ready when MLflow goes away, and says so', async () => {
    const before = (await h.get(`/recommendations?userId=${userA}&topK=1`, customerA)).body.modelVersion;
    expect(await h.metric(RECOMMENDATION_METRICS.registryUp)).toBe(1);
    await proxy.close();
    await eventually(async () => ((await h.metric(RECOMMENDATION_METRICS.registryUp)) === 0 ? true : undefined), 30_000, 'registry reported down');
    for (let i = 0; i < 20; i++) {
      const r = await h.get(`/recommendations?userId=${userA}&topK=1`, customerA);
      expect(r.status).toBe(200);
      expect(r.body.modelVersion).toBe(before);
    }
    expect((await h.get('/readyz')).status).toBe(200);
  });
});

describe('recommendation service with Redis unavailable', () => {
  const names = testNames();
  const registry = new ModelRegistryFixture(infra.MLFLOW_TRACKING_URI, names.modelName);
  let topics: Awaited<ReturnType<typeof startTopics>>;
  let h: RecommendationHarness;

  beforeAll(async () => {
    topics = await startTopics(names);
    const version = await registry.register(modelFiles(v1));
    await registry.setAlias('champion', version);
    // nothing listens on port 1: every feature read fails at once
    h = await startRecommendation(names, { redisUrl: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => {
    await h?.stop();
    await topics?.stop();
    await registry.remove();
  });

  it("answers from the model's own user index or popularity and counts the fallback", async () => {
    await eventually(async () => ((await h.get('/readyz')).status === 200 ? true : undefined), 30_000, 'readiness without Redis');
    const service = await token('checkout', ['service']);
    const known = await h.get(`/recommendations?userId=${userA}&topK=3`, service);
    expect(known.status).toBe(200);
    expect(ids(known.body)).toEqual(['p-a', 'p-b', 'p-c']);
    expect(known.body).toMatchObject({ source: 'model-user-index', fallbacks: ['feature_store_unavailable'] });
    const cold = await h.get(`/recommendations?userId=${randomUUID()}&topK=2`, service);
    expect(cold.body).toMatchObject({ source: 'popularity', fallbacks: ['feature_store_unavailable', 'cold_start'] });
    expect(await h.metric(RECOMMENDATION_METRICS.fallbacks, { reason: 'feature_store_unavailable' })).toBe(2);
  });
});
