import { randomUUID } from 'node:crypto';
import { ModelRegistry } from '@platform/model-registry';
import { testDatabase, type TestDatabase } from '@platform/service-kit/testing';
import { eventually, infra, startRecommendation, startTopics, testNames, token, type RecommendationHarness } from './__testUtils__/harness';
import { ModelRegistryFixture, modelFiles, type ModelSpec } from './__testUtils__/modelFixture';

jest.setTimeout(120_000);

// Two versions that rank one user differently, so the answer names the version that served it: the user points
// along axis 0, where version A has p-1 first and version B has p-2 first.
const user = randomUUID();
const versionSpec = (first: string, second: string): ModelSpec => ({
  items: { [first]: [1, 0], [second]: [0.5, 0], 'p-3': [0, 1] },
  users: { [user]: [1, 0] },
});

/**
 * The recommendation service follows every alias move made through the registry operations (the one way aliases
 * move: docs/model-registry.md), within its poll interval; the operations leave their history.
 */
describe('the recommendation service follows promote, roll back and demote', () => {
  const names = testNames();
  const fixture = new ModelRegistryFixture(infra.MLFLOW_TRACKING_URI, names.modelName);
  let db: TestDatabase;
  let registry: ModelRegistry;
  let topics: Awaited<ReturnType<typeof startTopics>>;
  let h: RecommendationHarness;
  let caller: string;
  let a: string;
  let b: string;

  const served = async (variant = 'control') => {
    const res = await h.get(`/recommendations?userId=${user}&topK=1`, caller, { 'x-exp-variant': variant });
    return res.status === 200 ? { version: res.body.modelVersion as string, first: res.body.items[0].productId as string, fallbacks: res.body.fallbacks as string[] } : undefined;
  };
  const servesVersion = (version: string, variant = 'control') =>
    eventually(async () => ((await served(variant))?.version === version ? true : undefined), 30_000, `${variant} served by version ${version}`);
  const op = { model: names.modelName, actor: 'user:release-manager', evidence: { test: true } };

  beforeAll(async () => {
    db = await testDatabase(infra.DATABASE_URL, 'recommendation_registry_test');
    registry = new ModelRegistry(fixture.client, db.pool());
    await registry.migrate();
    topics = await startTopics(names);
    h = await startRecommendation(names);
    caller = await token('rollout-controller', ['service']);
    a = await fixture.register(modelFiles(versionSpec('p-1', 'p-2')));
    b = await fixture.register(modelFiles(versionSpec('p-2', 'p-1')));
  });
  afterAll(async () => {
    await h?.stop();
    await topics?.stop();
    await fixture.remove();
    await db?.drop();
  });

  it('serves each champion the operations make, and the challenger to the treatment variant', async () => {
    await registry.nominate({ ...op, version: a, reason: 'first training' });
    await registry.promote({ ...op, reason: 'no champion yet' });
    await servesVersion(a);
    expect((await served())!.first).toBe('p-1');

    await registry.nominate({ ...op, version: b, reason: 'retrained' });
    await servesVersion(b, 'treatment');
    expect((await served('treatment'))!.first).toBe('p-2');
    expect((await served())!.version).toBe(a);

    await registry.promote({ ...op, reason: 'won the experiment' });
    await servesVersion(b);
    expect((await served())!.first).toBe('p-2');

    await registry.rollback({ ...op, reason: 'P95 breach after promotion' });
    await servesVersion(a);
    expect((await served())!.first).toBe('p-1');

    await registry.nominate({ ...op, version: b, reason: 'try again' });
    await servesVersion(b, 'treatment');
    await registry.demote({ ...op, reason: 'guardrail breached' });
    // no challenger: the treatment variant falls back to the champion and says so
    await eventually(async () => ((await served('treatment'))?.fallbacks.includes('alias_missing') ? true : undefined), 30_000, 'treatment without a challenger');
    expect((await served('treatment'))!.version).toBe(a);
  });

  it('leaves a history that says who moved which alias, why, and what was champion when', async () => {
    const history = await registry.history.list(names.modelName);
    expect(history.map(e => [e.action, e.version]).reverse()).toEqual([
      ['nominate', a],
      ['promote', a],
      ['nominate', b],
      ['promote', b],
      ['rollback', a],
      ['nominate', b],
      ['demote', b],
    ]);
    expect(history.every(e => e.actor === 'user:release-manager')).toBe(true);
    const promotedB = history.find(e => e.action === 'promote' && e.version === b)!;
    const rolledBack = history.find(e => e.action === 'rollback')!;
    expect(promotedB.reason).toBe('won the experiment');
    expect((await registry.championAt(names.modelName, new Date(promotedB.at.getTime() + 1)))?.version).toBe(b);
    expect((await registry.championAt(names.modelName, new Date(rolledBack.at.getTime() + 1)))?.version).toBe(a);
  });
});
