import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { MlflowClient, ModelRegistry } from '@platform/model-registry';
import { eventually, testDatabase, type TestDatabase } from '@platform/service-kit/testing';
import { infra, startHarness, userId, type Harness } from './__testUtils__/harness';
import { startFakeRecommender, startPrometheus } from './__testUtils__/prometheus';
import type { AbTestingService } from './app';
import type { AuditEntry } from './experiments/model';
import { PrometheusGuardrailMetrics } from './rollout/GuardrailMetrics';

// Real PostgreSQL, MLflow and a Prometheus of the test's own scraping a stand-in of the recommender's metrics.
jest.setTimeout(90_000);

const suffix = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
const mlflow = new MlflowClient(infra.MLFLOW_TRACKING_URI);
const models: string[] = [];
let harness: Harness;
let registryDb: TestDatabase;
let registry: ModelRegistry;
let recommender: Awaited<ReturnType<typeof startFakeRecommender>>;
let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
let replicas: AbTestingService[];
let admin: string;

/** A registered model with versions 1 (champion) and 2 (challenger). */
async function championAndChallenger(label: string): Promise<string> {
  const name = `ab-rollout-test-${label}-${suffix}`;
  models.push(name);
  const experimentId = await mlflow.getOrCreateExperiment(`ab-rollout-test-${suffix}`);
  await mlflow.createRegisteredModel(name, 'ab-testing rollout test');
  for (let i = 1; i <= 2; i++) {
    const run = await mlflow.createRun(experimentId, `v${i}`, {});
    await mlflow.createModelVersion(name, `${run.info.artifact_uri}/model`, run.info.run_id, {});
  }
  await registry.nominate({ model: name, version: '1', actor: 'test', reason: 'first' });
  await registry.promote({ model: name, actor: 'test', reason: 'first champion' });
  await registry.nominate({ model: name, version: '2', actor: 'test', reason: 'challenger' });
  return name;
}

beforeAll(async () => {
  recommender = await startFakeRecommender({ control: 5, treatment: 5 });
  prometheus = await startPrometheus([recommender.target]);
  registryDb = await testDatabase(infra.DATABASE_URL, 'ab_rollout_registry_test');
  registry = new ModelRegistry(mlflow, registryDb.pool({ max: 2 }));
  await registry.migrate();
  harness = await startHarness();
  const config = {
    PROMETHEUS_URL: prometheus.url,
    MLFLOW_TRACKING_URI: infra.MLFLOW_TRACKING_URI,
    MODEL_REGISTRY_DATABASE_URL: registryDb.url,
    ROLLOUT_INTERVAL_MS: '300',
    GUARDRAIL_RATE_WINDOW: '10s',
  };
  // two replicas on one database: one controller acts, the other waits for the advisory lock
  replicas = [await harness.start(config), await harness.start(config)];
  for (const replica of replicas) await replica.start();
  admin = await harness.token(randomUUID(), ['admin']);
}, 90_000);

afterAll(async () => {
  await harness?.stop();
  await registryDb?.drop();
  await prometheus?.stop();
  await recommender?.stop();
  for (const model of models) await mlflow.deleteRegisteredModel(model).catch(() => undefined);
});

const http = () => request(replicas[0].service.app);
async function call(method: 'get' | 'post' | 'put', path: string, body?: object) {
  let req = http()[method](path).set({ authorization: `Bearer ${admin}` });
  if (body) req = req.send(body);
  const res = await req;
  harness.contract.assertResponse(method, path, res);
  return res;
}

async function modelExperiment(label: string, model: string, plan: object, weights: [number, number] = [90, 10]) {
  const key = `rollout-${label}-${suffix}`;
  expect(
    (
      await call('post', '/experiments', {
        key,
        name: `Rollout ${label}`,
        owner: 'group:personalization-team',
        kind: 'model',
        model,
        variants: [
          { name: 'control', weight: weights[0], modelAlias: 'champion' },
          { name: 'treatment', weight: weights[1], modelAlias: 'challenger' },
        ],
      })
    ).status,
  ).toBe(201);
  expect((await call('put', `/experiments/${key}/rollout`, { ...plan, reason: 'test plan' })).status).toBe(200);
  expect((await call('post', `/experiments/${key}/start`, {})).status).toBe(200);
  return key;
}

/** Users decided by the service (assigned), each with one view under the variant they were given. */
async function exposeUsers(key: string, count: number, salt: string) {
  const app = replicas[0];
  const events = [];
  for (let n = 0; n < count; n++) {
    const user = userId(n, salt);
    const decision = await app.decisions.decide(key, user, {});
    events.push({
      eventId: randomUUID(),
      userId: user,
      sessionId: `s-${n}`,
      type: 'view',
      ts: new Date().toISOString(),
      meta: {},
      experiment: { key, variant: decision.variant },
      receivedAt: new Date().toISOString(),
    });
  }
  await app.ingestor.ingest(events);
}

const audit = async (key: string): Promise<AuditEntry[]> => (await call('get', `/experiments/${key}/audit`)).body.items;
const weights = async (key: string) => (await call('get', `/experiments/${key}`)).body.variants.map((v: { weight: number }) => v.weight);

describe('rollout controller', () => {
  it('reads P95 latency per variant and the error rate from Prometheus', async () => {
    const metrics = new PrometheusGuardrailMetrics(prometheus.url, { window: '10s' });
    const readings = await eventually(
      async () => {
        const r = await metrics.observe({ variants: [{ name: 'control' }, { name: 'treatment' }] } as never);
        return r.observations.treatment.p95LatencyMs !== null && r.observations.control.errorRate !== null ? r : undefined;
      },
      30_000,
      'guardrail numbers from Prometheus',
      500,
    );
    expect(readings.errorRateScope).toBe('service');
    expect(readings.observations.control.p95LatencyMs).toBeGreaterThan(2.5);
    expect(readings.observations.control.p95LatencyMs).toBeLessThanOrEqual(10);
    expect(readings.observations.treatment.errorRate).toBe(0);
  });

  it('ramps a healthy challenger 90/10 → 50/50, pauses on a sample ratio mismatch, and exactly one replica acts', async () => {
    const model = await championAndChallenger('healthy');
    const plan = { steps: [10, 50], holdSeconds: 2, minUsersPerVariant: 3, concludeAfterLastStep: false };
    const healthy = await modelExperiment('healthy', model, plan);
    const skewed = await modelExperiment('skewed', model, { ...plan, minUsersPerVariant: 1000 });
    // 200 users: at 90/10 each variant gets at least the plan's 3 (with 40, treatment had fewer about one run in five)
    await exposeUsers(healthy, 200, 'healthy');
    // 90/10 configured, 20 vs 40 users seen: a mismatch
    await replicas[0].ingestor.ingest(
      Array.from({ length: 60 }, (_, n) => ({
        eventId: randomUUID(),
        userId: userId(n, 'skewed'),
        type: 'view',
        ts: new Date().toISOString(),
        meta: {},
        experiment: { key: skewed, variant: n < 20 ? 'control' : 'treatment' },
      })),
    );

    await eventually(async () => ((await weights(healthy))[1] === 50 ? true : undefined), 40_000, 'the 50/50 step', 300);
    const ramps = (await audit(healthy)).filter(entry => entry.action === 'ramp');
    expect(ramps).toHaveLength(1);
    expect(ramps[0]).toMatchObject({
      actor: { sub: 'rollout-controller', roles: ['service'] },
      before: { variants: [{ weight: 90 }, { weight: 10 }] },
      after: { variants: [{ weight: 50 }, { weight: 50 }] },
      evidence: { guardrails: 'held', 'treatment.p95LatencyMs.max': 'held' },
    });
    expect(ramps[0].reason).toMatch(/guardrails held for \d+ s at 90\/10/);
    expect(replicas.filter(replica => replica.controller!.isLeader)).toHaveLength(1);

    const paused = await eventually(
      async () => {
        const rollout = (await call('get', `/experiments/${skewed}/rollout`)).body;
        return rollout.state.phase === 'paused' ? rollout : undefined;
      },
      20_000,
      'the SRM pause',
    );
    expect(paused.state.pausedReason).toMatch(/sample ratio mismatch/);
    const pauses = (await audit(skewed)).filter(entry => entry.action === 'pause');
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toMatchObject({ actor: { sub: 'rollout-controller' }, evidence: { srmStatus: 'mismatch' } });
    expect(await weights(skewed)).toEqual([90, 10]);

    // the last step holds (no conclusion asked for); people stop both through the same path as the controller
    const results = (await call('get', `/experiments/${healthy}/results`)).body;
    expect(results.guardrails).toMatchObject({ status: 'held', errorRateScope: 'service' });
    for (const key of [healthy, skewed]) expect((await call('post', `/experiments/${key}/stop`, { reason: 'test done' })).status).toBe(200);
    expect((await registry.aliases(model)).challenger).toBe('2');
  });

  it('rolls a slow challenger back at once: control 100 %, stopped, challenger demoted, audited, counted', async () => {
    const model = await championAndChallenger('slow');
    recommender.latencyMs.treatment = 400;
    const metrics = new PrometheusGuardrailMetrics(prometheus.url, { window: '10s' });
    await eventually(
      async () => ((await metrics.observe({ variants: [{ name: 'treatment' }] } as never)).observations.treatment.p95LatencyMs! > 100 ? true : undefined),
      30_000,
      'the slow treatment in Prometheus',
      500,
    );
    // a window of 10 minutes: nothing but a rollback can happen within it
    const slow = await modelExperiment('slow', model, { steps: [10, 50], holdSeconds: 600, minUsersPerVariant: 1 });

    const entries = await eventually(
      async () => {
        const log = await audit(slow);
        return log.some(entry => entry.action === 'rollback') ? log : undefined;
      },
      30_000,
      'the rollback',
      300,
    );
    const byController = entries.filter(entry => entry.actor.sub === 'rollout-controller');
    expect(byController.map(entry => entry.action)).toEqual(['ramp', 'stop', 'rollback']);
    const [ramp, stop, rollback] = byController;
    expect(ramp.after.variants.map(v => v.weight)).toEqual([100, 0]);
    expect(ramp.evidence).toMatchObject({ guardrails: 'breached', 'treatment.p95LatencyMs.max': 'breached' });
    expect(ramp.reason).toMatch(/guardrail breached.*P95 latency of treatment/);
    expect(stop.after.status).toBe('stopped');
    expect(rollback.evidence).toMatchObject({ demoted: true, demotedVersion: '2', model });

    const aliases = (await mlflow.getRegisteredModel(model)).aliases ?? [];
    expect(aliases.map(a => `${a.alias}=${a.version}`).sort()).toEqual(['champion=1']);
    const tags = Object.fromEntries(((await mlflow.getModelVersion(model, '2')).tags ?? []).map(t => [t.key, t.value]));
    expect(tags).toMatchObject({ demoted_by: 'rollout-controller' });
    expect(tags.demotion_reason).toMatch(slow);
    // the registry's history keeps the evidence in full (the tag holds a digest when it is long)
    const history = await registry.history.lastAt(model, new Date());
    expect(history).toMatchObject({
      action: 'demote',
      version: '2',
      actor: 'rollout-controller',
      evidence: { experiment: slow, guardrails: { status: 'breached' } },
    });

    const rollout = (await call('get', `/experiments/${slow}/rollout`)).body;
    expect(rollout.state).toMatchObject({ phase: 'rolled-back', demotionPending: false, lastEvaluation: { status: 'breached' } });
    const counted = await Promise.all(replicas.map(async r => (await request(r.service.app).get('/metrics')).text));
    const line = new RegExp(`ab_rollout_rollbacks_total\\{[^}]*experiment="${slow}"[^}]*\\} 1`);
    expect(counted.filter(text => line.test(text))).toHaveLength(1);
    // a stopped experiment serves control to everyone, the sticky treatment users too
    const decision = await replicas[1].decisions.decide(slow, userId(1, 'slow'), {});
    expect(decision).toMatchObject({ variant: 'control', source: 'not-running' });
  });
});
