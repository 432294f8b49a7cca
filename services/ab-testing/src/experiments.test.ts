import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { assignVariant } from './assignment/hash';
import { startHarness, userId, type Harness } from './__testUtils__/harness';
import type { AbTestingService } from './app';

jest.setTimeout(60_000);

let harness: Harness;
let app: AbTestingService;
let admin: string;
let service: string;
const ADMIN_SUB = randomUUID();

beforeAll(async () => {
  harness = await startHarness();
  app = await harness.start();
  admin = await harness.token(ADMIN_SUB, ['customer', 'admin']);
  service = await harness.token('rollout-controller', ['service']);
});

afterAll(async () => {
  await harness?.stop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A call through the real app whose answer must be one the contract allows. */
async function call(
  method: 'get' | 'post' | 'patch',
  path: string,
  token: string | undefined,
  body?: unknown,
  on: AbTestingService = app,
) {
  let req = request(on.service.app)[method](path);
  if (token) req = req.set(bearer(token));
  const res = body === undefined ? await req : await req.send(body as object);
  harness.contract.assertResponse(method, path, res);
  return res;
}

let keys = 0;
const featureExperiment = (overrides: Record<string, unknown> = {}) => ({
  key: `checkout-button-${++keys}-${Date.now().toString(36)}`,
  name: 'Green checkout button',
  hypothesis: 'A green button raises checkout conversion.',
  owner: 'group:storefront-team',
  kind: 'feature',
  variants: [
    { name: 'control', weight: 90 },
    { name: 'treatment', weight: 10 },
  ],
  ...overrides,
});

async function runningExperiment(overrides: Record<string, unknown> = {}) {
  const input = featureExperiment(overrides);
  expect((await call('post', '/experiments', admin, input)).status).toBe(201);
  expect((await call('post', `/experiments/${input.key}/start`, admin, { reason: 'test' })).status).toBe(200);
  return input.key;
}

const decide = (key: string, user: string, token = service, query = '', on = app) =>
  call('get', `/experiments/${key}/decision?userId=${user}${query}`, token, undefined, on);

describe('experiments', () => {
  it('creates a draft, answers it, lists it, and refuses a second one with the same key', async () => {
    const input = featureExperiment({ targeting: { countries: ['DE'] } });
    const created = await call('post', '/experiments', admin, input);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/experiments/${input.key}`);
    expect(created.body).toMatchObject({ key: input.key, status: 'draft', seed: input.key, version: 1, startedAt: null });

    expect((await call('get', `/experiments/${input.key}`, service)).body).toEqual(created.body);
    const listed = await call('get', '/experiments?status=draft&owner=group:storefront-team', admin);
    expect(listed.body.items.map((e: { key: string }) => e.key)).toContain(input.key);
    expect((await call('get', '/experiments?status=running', admin)).body.items.map((e: { key: string }) => e.key)).not.toContain(
      input.key,
    );

    const again = await call('post', '/experiments', admin, input);
    expect(again.status).toBe(409);
  });

  it('refuses definitions the schemas cannot check with 422, and malformed ones with 400', async () => {
    const sum = await call('post', '/experiments', admin, featureExperiment({ variants: [{ name: 'control', weight: 50 }, { name: 't', weight: 40 }] }));
    expect(sum.status).toBe(422);
    expect(sum.body.errors).toEqual([{ pointer: '/variants', message: 'the weights sum to 90, not 100' }]);
    const twice = await call('post', '/experiments', admin, featureExperiment({ variants: [{ name: 'a', weight: 50 }, { name: 'a', weight: 50 }] }));
    expect(twice.status).toBe(422);
    const modelWithoutAlias = await call(
      'post',
      '/experiments',
      admin,
      featureExperiment({ kind: 'model', model: 'recommendation-ranker', variants: [{ name: 'control', weight: 50, modelAlias: 'champion' }, { name: 't', weight: 50 }] }),
    );
    expect(modelWithoutAlias.status).toBe(422);
    expect(modelWithoutAlias.body.errors[0].pointer).toBe('/variants/1/modelAlias');

    for (const bad of [
      featureExperiment({ key: 'Not A Key' }),
      featureExperiment({ owner: 'personalization-team' }),
      featureExperiment({ variants: [{ name: 'control', weight: 100 }] }),
      featureExperiment({ variants: [{ name: 'control', weight: 90.5 }, { name: 't', weight: 9.5 }] }),
      featureExperiment({ name: 'nul\u0000' }),
      { ...featureExperiment(), extra: true },
    ]) {
      const res = await call('post', '/experiments', admin, bad);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await call('get', '/experiments/Bad_Key/decision?userId=1', service)).status).toBe(400);
    expect((await call('get', `/experiments/x/decision?userId=${randomUUID()}&platform=tv`, service)).status).toBe(400);
  });

  it('needs a token (401) with the right role (403)', async () => {
    const customerSub = randomUUID();
    const customer = await harness.token(customerSub, ['customer']);
    const key = await runningExperiment();
    expect((await call('get', '/experiments', undefined)).status).toBe(401);
    expect((await call('get', '/experiments', 'not-a-jwt')).status).toBe(401);
    expect((await call('post', '/experiments', customer, featureExperiment())).status).toBe(403);
    expect((await call('post', '/experiments', service, featureExperiment())).status).toBe(403);
    expect((await call('get', `/experiments/${key}`, customer)).status).toBe(403);
    expect((await call('post', `/experiments/${key}/stop`, customer, { reason: 'no' })).status).toBe(403);
    expect((await call('post', `/experiments/${key}/conclude`, customer, { winner: 'control', reason: 'no' })).status).toBe(403);
    expect((await call('get', `/experiments/${key}/decision?userId=${customerSub}`, undefined)).status).toBe(401);
    // a customer asks for themself only; the gateway forwards the user's own token
    expect((await decide(key, customerSub, customer)).status).toBe(200);
    expect((await decide(key, randomUUID(), customer)).status).toBe(403);
    expect((await decide(key, randomUUID(), admin)).status).toBe(200);
  });

  it('moves through draft -> running -> stopped -> concluded and refuses other transitions', async () => {
    const input = featureExperiment();
    const { key } = input;
    await call('post', '/experiments', admin, input);
    expect((await call('post', `/experiments/${key}/ramp`, service, { variants: [{ name: 'control', weight: 50 }, { name: 'treatment', weight: 50 }], reason: 'r' })).status).toBe(409);
    expect((await call('post', `/experiments/${key}/stop`, service, { reason: 'r' })).status).toBe(409);
    expect((await call('post', `/experiments/${key}/conclude`, admin, { winner: 'control', reason: 'r' })).status).toBe(409);
    const patched = await call('patch', `/experiments/${key}`, admin, { name: 'Renamed', reason: 'typo' });
    expect(patched.body).toMatchObject({ name: 'Renamed', version: 2 });

    const started = await call('post', `/experiments/${key}/start`, admin);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'running', version: 3 });
    expect(started.body.startedAt).toEqual(expect.any(String));
    const again = await call('post', `/experiments/${key}/start`, admin, {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, experimentStatus: 'running' });
    expect((await call('patch', `/experiments/${key}`, admin, { name: 'Too late' })).status).toBe(409);
    const wrongWeights = await call('post', `/experiments/${key}/ramp`, service, { variants: [{ name: 'control', weight: 50 }, { name: 'other', weight: 50 }], reason: 'r' });
    expect(wrongWeights.status).toBe(422);

    expect((await call('post', `/experiments/${key}/stop`, service, { reason: 'guardrail', evidence: { errorRate: 0.07 } })).body.status).toBe('stopped');
    expect((await call('post', `/experiments/${key}/stop`, service, { reason: 'again' })).status).toBe(409);
    expect((await call('post', `/experiments/${key}/ramp`, service, { variants: [{ name: 'control', weight: 50 }, { name: 'treatment', weight: 50 }], reason: 'r' })).status).toBe(409);
    expect((await call('post', `/experiments/${key}/conclude`, admin, { winner: 'nobody', reason: 'r' })).status).toBe(422);
    const concluded = await call('post', `/experiments/${key}/conclude`, admin, { winner: 'treatment', reason: 'won' });
    expect(concluded.body).toMatchObject({ status: 'concluded', winner: 'treatment' });
    expect((await call('post', `/experiments/${key}/conclude`, admin, { winner: 'control', reason: 'r' })).status).toBe(409);
    expect((await call('post', '/experiments/no-such-experiment/start', admin)).status).toBe(404);
  });
});

describe('decisions', () => {
  it('assigns on the first decision, persists it, and answers it from then on', async () => {
    const key = await runningExperiment();
    const users = Array.from({ length: 200 }, (_, i) => userId(i, key));
    const first = await Promise.all(users.map(user => decide(key, user)));
    for (const [i, res] of first.entries()) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ experimentKey: key, userId: users[i], source: 'new-assignment', inExperiment: true, status: 'running' });
      // the pure function, seeded with the key, is the assignment: reproducible anywhere
      expect(res.body.variant).toBe(assignVariant(key, users[i], [{ name: 'control', weight: 90 }, { name: 'treatment', weight: 10 }]));
    }
    const { rows } = await harness.sql.query(
      'SELECT a.user_id, a.variant FROM assignments a JOIN experiments e ON e.id = a.experiment_id WHERE e.key = $1',
      [key],
    );
    expect(rows).toHaveLength(200);
    expect(new Map(rows.map(r => [r.user_id, r.variant]))).toEqual(new Map(first.map(res => [res.body.userId, res.body.variant])));
    const second = await decide(key, users[0]);
    expect(second.body).toMatchObject({ variant: first[0].body.variant, source: 'assignment', assignedAt: first[0].body.assignedAt });
  });

  it('keeps every assigned user in their variant after a ramp, across a restart, and buckets new users with the new weights', async () => {
    const key = await runningExperiment();
    const users = Array.from({ length: 150 }, (_, i) => userId(i, `${key}-ramp`));
    const before = new Map<string, string>();
    for (const user of users) before.set(user, (await decide(key, user)).body.variant);
    expect([...before.values()].filter(v => v === 'treatment').length).toBeGreaterThan(0);

    const ramped = await call('post', `/experiments/${key}/ramp`, service, {
      variants: [{ name: 'control', weight: 10 }, { name: 'treatment', weight: 90 }],
      reason: 'guardrails green for 24 h',
      evidence: { errorRate: 0.001, p99Ms: 81, healthy: true },
    });
    expect(ramped.status).toBe(200);
    expect(ramped.body.variants).toEqual([{ name: 'control', weight: 10 }, { name: 'treatment', weight: 90 }]);

    // a second instance on the same database (a restart, or another replica) with cold caches
    const restarted = await harness.start();
    for (const on of [app, restarted]) {
      for (const user of users) {
        const res = await decide(key, user, service, '', on);
        expect({ user, variant: res.body.variant, source: res.body.source }).toEqual({ user, variant: before.get(user), source: 'assignment' });
      }
    }
    // users seen for the first time get the new weights; none of the users treated at 10% would be control now
    const newcomers = Array.from({ length: 200 }, (_, i) => userId(i, `${key}-new`));
    const treated = (await Promise.all(newcomers.map(u => decide(key, u, service, '', restarted)))).filter(r => r.body.variant === 'treatment');
    expect(treated.length).toBeGreaterThan(150);
  });

  it('answers control when stopped and the winner when concluded, without assigning', async () => {
    const key = await runningExperiment();
    const assigned = userId(1, `${key}-stop`);
    await decide(key, assigned);
    await call('post', `/experiments/${key}/stop`, admin, { reason: 'done' });
    const count = async () =>
      (await harness.sql.query('SELECT count(*)::int AS n FROM assignments a JOIN experiments e ON e.id = a.experiment_id WHERE e.key = $1', [key])).rows[0].n;
    const stopped = await decide(key, randomUUID());
    expect(stopped.body).toMatchObject({ variant: 'control', status: 'stopped', inExperiment: false, source: 'not-running', assignedAt: null });
    await call('post', `/experiments/${key}/conclude`, admin, { winner: 'treatment', reason: 'won' });
    for (const user of [assigned, randomUUID()]) {
      expect((await decide(key, user)).body).toMatchObject({ variant: 'treatment', status: 'concluded', source: 'winner', inExperiment: false });
    }
    expect(await count()).toBe(1);

    const draft = featureExperiment();
    await call('post', '/experiments', admin, draft);
    expect((await decide(draft.key, randomUUID())).body).toMatchObject({ variant: 'control', source: 'not-running' });
    expect((await decide('no-such-experiment', randomUUID())).status).toBe(404);
  });

  it('serves control outside the targeting, and binds model variants to model aliases', async () => {
    const key = await runningExperiment({
      kind: 'model',
      model: 'recommendation-ranker',
      variants: [
        { name: 'control', weight: 0, modelAlias: 'champion' },
        { name: 'treatment', weight: 100, modelAlias: 'challenger' },
      ],
      targeting: { countries: ['DE', 'AT'], platforms: ['web'] },
    });
    const user = randomUUID();
    expect((await decide(key, user, service, '&country=FR&platform=web')).body).toMatchObject({
      variant: 'control',
      model: 'recommendation-ranker',
      modelAlias: 'champion',
      source: 'not-targeted',
      inExperiment: false,
    });
    expect((await decide(key, user, service, '&platform=web')).body.source).toBe('not-targeted');
    expect((await decide(key, user, service, '&country=DE&platform=web')).body).toMatchObject({
      variant: 'treatment',
      modelAlias: 'challenger',
      source: 'new-assignment',
      inExperiment: true,
    });
  });

  it('assigns a user once when replicas race for the first decision', async () => {
    const key = await runningExperiment({ variants: [{ name: 'control', weight: 50 }, { name: 'treatment', weight: 50 }] });
    const other = await harness.start();
    const user = randomUUID();
    const answers = await Promise.all([app, other, app, other].map(on => decide(key, user, service, '', on)));
    expect(new Set(answers.map(a => a.body.variant)).size).toBe(1);
    expect(new Set(answers.map(a => a.body.assignedAt)).size).toBe(1);
  });
});

describe('audit log', () => {
  it('records who changed what, when and why, and the database refuses to change it', async () => {
    const input = featureExperiment();
    await call('post', '/experiments', admin, input);
    await call('post', `/experiments/${input.key}/start`, admin, { reason: 'kick-off' });
    await call('post', `/experiments/${input.key}/ramp`, service, {
      variants: [{ name: 'control', weight: 50 }, { name: 'treatment', weight: 50 }],
      reason: 'step 2',
      evidence: { conversionLift: 0.012, sampleRatioMismatch: false },
    });
    const audit = await call('get', `/experiments/${input.key}/audit`, service);
    expect(audit.status).toBe(200);
    const items = audit.body.items as Array<Record<string, any>>;
    expect(items.map(e => e.action)).toEqual(['create', 'start', 'ramp']);
    expect(items[0]).toMatchObject({ actor: { sub: ADMIN_SUB, roles: ['customer', 'admin'] }, before: null, reason: null });
    expect(items[1]).toMatchObject({ before: { status: 'draft' }, after: { status: 'running' }, reason: 'kick-off' });
    expect(items[2]).toMatchObject({
      actor: { sub: 'rollout-controller', roles: ['service'] },
      before: { variants: [{ name: 'control', weight: 90 }, { name: 'treatment', weight: 10 }] },
      after: { variants: [{ name: 'control', weight: 50 }, { name: 'treatment', weight: 50 }], version: 3 },
      reason: 'step 2',
      evidence: { conversionLift: 0.012, sampleRatioMismatch: false },
    });
    expect(Date.parse(items[2].at)).toBeGreaterThanOrEqual(Date.parse(items[1].at));

    await expect(harness.sql.query("UPDATE experiment_audit SET reason = 'rewritten' WHERE experiment_key = $1", [input.key])).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(harness.sql.query('DELETE FROM experiment_audit WHERE experiment_key = $1', [input.key])).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(harness.sql.query('TRUNCATE experiment_audit CASCADE')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect((await call('get', `/experiments/${input.key}/audit`, admin)).body.items).toHaveLength(3);
    expect((await call('get', '/experiments/no-such-experiment/audit', admin)).status).toBe(404);
  });
});

describe('operations', () => {
  it('is ready while PostgreSQL answers, and counts decisions', async () => {
    expect((await request(app.service.app).get('/readyz')).body).toEqual({ status: 'ok', checks: { postgres: { status: 'ok' } } });
    const metrics = (await request(app.service.app).get('/metrics')).text;
    expect(metrics).toMatch(/ab_decisions_total\{source="new-assignment",service="ab-testing-service"\} \d+/);
    expect(metrics).toMatch(/ab_assignment_lookups_total\{result="database",service="ab-testing-service"\} \d+/);
  });
});
