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

jest.setTimeout(120_000);

const user = randomUUID();
const spec: ModelSpec = {
  items: { 'p-a': [1, 0], 'p-b': [0, 1] },
  users: { [user]: [1, 0] },
  popularity: ['p-b', 'p-a'],
};

describe('GET /models: the versions the running service serves, per variant', () => {
  const names = testNames();
  const registry = new ModelRegistryFixture(infra.MLFLOW_TRACKING_URI, names.modelName);
  let topics: Awaited<ReturnType<typeof startTopics>>;
  let h: RecommendationHarness;
  let service: string;

  beforeAll(async () => {
    topics = await startTopics(names);
    h = await startRecommendation(names);
    service = await token('backstage-portal', ['service']);
  });
  afterAll(async () => {
    await h?.stop();
    await topics?.stop();
    await registry.remove();
  });

  it('lists every variant with no version before any is loaded', async () => {
    const res = await h.get('/models', service);
    expect(res.status).toBe(200);
    h.contract.assertResponse('GET', '/models', res);
    expect(res.body.model).toBe(names.modelName);
    expect(res.body.variants).toEqual([
      { variant: 'control', alias: 'champion', version: null, loadedAt: null, servedAlias: null, servedVersion: null },
      { variant: 'treatment', alias: 'challenger', version: null, loadedAt: null, servedAlias: null, servedVersion: null },
    ]);
  });

  it('follows the aliases: champion first (treatment served by it), then its own challenger', async () => {
    const v1 = await registry.register(modelFiles(spec));
    const v2 = await registry.register(modelFiles(spec));
    const before = Date.now();
    await registry.setAlias('champion', v1);
    const first = await eventually(async () => {
      const res = await h.get('/models', service);
      return res.body.variants?.[0]?.version === v1 ? res : undefined;
    }, 30_000, 'champion loaded');
    h.contract.assertResponse('GET', '/models', first);
    expect(first.body.variants[0]).toMatchObject({ variant: 'control', alias: 'champion', version: v1, servedAlias: 'champion', servedVersion: v1 });
    expect(Date.parse(first.body.variants[0].loadedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(first.body.variants[1]).toEqual({
      variant: 'treatment',
      alias: 'challenger',
      version: null,
      loadedAt: null,
      servedAlias: 'champion',
      servedVersion: v1,
    });
    expect(first.body.registryUp).toBe(true);
    expect(Date.parse(first.body.lastRegistryContactAt)).toBeGreaterThanOrEqual(before - 1000);

    await registry.setAlias('challenger', v2);
    const second = await eventually(async () => {
      const res = await h.get('/models', service);
      return res.body.variants?.[1]?.version === v2 ? res : undefined;
    }, 30_000, 'challenger loaded');
    h.contract.assertResponse('GET', '/models', second);
    expect(second.body.variants[1]).toMatchObject({ variant: 'treatment', alias: 'challenger', version: v2, servedAlias: 'challenger', servedVersion: v2 });
    expect(second.body.variants[0].version).toBe(v1);
  });

  it('is for services and admins: 401 without a valid token, 403 for a customer', async () => {
    const anonymous = await h.get('/models');
    expect(anonymous.status).toBe(401);
    h.contract.assertResponse('GET', '/models', anonymous);
    const customer = await h.get('/models', await token(user, ['customer']));
    expect(customer.status).toBe(403);
    h.contract.assertResponse('GET', '/models', customer);
    const admin = await h.get('/models', await token(randomUUID(), ['admin']));
    expect(admin.status).toBe(200);
    h.contract.assertResponse('GET', '/models', admin);
  });
});
