import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createKafka, ensureTopics } from '@platform/service-kit';
import { eventually } from '@platform/service-kit/testing';
import { infra, startHarness, userId, type Harness } from './__testUtils__/harness';
import type { AbTestingService } from './app';
import { revenueCents } from './results/ingest';

jest.setTimeout(60_000);

let harness: Harness;
let app: AbTestingService;
let admin: string;
let service: string;

beforeAll(async () => {
  harness = await startHarness();
  app = await harness.start();
  admin = await harness.token(randomUUID(), ['admin']);
  service = await harness.token('portal', ['service']);
});

afterAll(async () => {
  await harness?.stop();
});

const suffix = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;

async function runningExperiment(label: string, on: AbTestingService = app): Promise<string> {
  const key = `results-${label}-${suffix}`;
  const actor = { sub: 'test', roles: ['admin'] };
  await on.store.create(
    {
      key,
      name: 'Results test',
      owner: 'group:personalization-team',
      kind: 'feature',
      variants: [
        { name: 'control', weight: 50 },
        { name: 'treatment', weight: 50 },
      ],
    },
    { actor },
  );
  await on.store.start(key, { actor });
  return key;
}

type EventType = 'view' | 'click' | 'cart' | 'purchase';
const D1 = '2026-01-10';
const D2 = '2026-01-11';

function event(
  type: EventType,
  user: string | null,
  experiment: { key: string; variant: string } | undefined,
  day: string,
  meta: Record<string, unknown> = {},
  eventId = randomUUID(),
) {
  return {
    eventId,
    userId: user,
    sessionId: `s-${user ?? 'anonymous'}`,
    type,
    ...(type === 'view' ? {} : { productId: 'p1' }),
    ts: `${day}T12:00:00.000Z`,
    meta,
    ...(experiment ? { experiment } : {}),
    receivedAt: `${day}T12:00:00.500Z`,
  };
}

/**
 * Five users, two days, two variants, one user under both, and noise that must not count. The figures worked out
 * by hand are in the test below.
 */
function fixedEvents(key: string) {
  const c = { key, variant: 'control' };
  const t = { key, variant: 'treatment' };
  const [u1, u2, u3, u4, u5, u6] = [1, 2, 3, 4, 5, 6].map(n => userId(n, 'results'));
  const firstView = event('view', u1, c, D1);
  return [
    firstView,
    event('view', u1, c, D1),
    event('click', u1, c, D1),
    event('purchase', u1, c, D1, { price: 10, quantity: 2 }),
    event('view', u2, c, D1),
    event('view', u2, c, D2),
    event('view', u3, c, D2),
    event('click', u3, c, D2),
    event('cart', u3, c, D2, { quantity: 1 }),
    event('view', u4, t, D1),
    event('click', u4, t, D1),
    event('purchase', u4, t, D2, { price: 5.5 }),
    event('view', u5, t, D2),
    event('view', u5, t, D2),
    event('click', u5, t, D2),
    event('click', u5, t, D2),
    event('purchase', u5, t, D2, { price: 3.25, quantity: 2 }),
    event('view', u6, c, D1),
    event('view', u6, t, D1),
    // not counted: a redelivery, no experiment, anonymous, unknown experiment, unknown variant
    { ...firstView },
    event('click', u1, undefined, D1),
    event('view', null, c, D1),
    event('view', u1, { key: `no-such-experiment-${suffix}`, variant: 'control' }, D1),
    event('view', u1, { key, variant: 'nope' }, D1),
  ];
}

const get = async (path: string, token: string) => {
  const res = await request(app.service.app).get(path).set({ authorization: `Bearer ${token}` });
  harness.contract.assertResponse('get', path, res);
  return res;
};

describe('results', () => {
  it('revenue is price × quantity in cents', () => {
    expect(revenueCents({ type: 'purchase', meta: { price: 19.99, quantity: 3 } })).toBe(5997);
    expect(revenueCents({ type: 'purchase', meta: { price: 5.5 } })).toBe(550);
    expect(revenueCents({ type: 'purchase', meta: { price: 'x' } })).toBe(0);
    expect(revenueCents({ type: 'cart', meta: { price: 3 } })).toBe(0);
  });

  it('counts a small fixed event set as worked out by hand, once per event id', async () => {
    const key = await runningExperiment('fixed');
    const events = fixedEvents(key);
    const outcomes = await app.ingestor.ingest(events);
    expect(outcomes).toMatchObject({
      counted: 19,
      duplicate: 1,
      'no-experiment': 1,
      anonymous: 1,
      'unknown-experiment': 1,
      'unknown-variant': 1,
    });
    // a redelivery of everything counts nothing
    expect((await app.ingestor.ingest(events)).counted).toBe(0);

    const res = await get(`/experiments/${key}/results`, service);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body).toMatchObject({
      experimentKey: key,
      status: 'running',
      weights: [
        { variant: 'control', weight: 50 },
        { variant: 'treatment', weight: 50 },
      ],
      expectedWeights: [
        { variant: 'control', weight: 50 },
        { variant: 'treatment', weight: 50 },
      ],
      guardrails: null,
    });
    // u6 saw both variants: out of the totals and the analysis, counted as a multiple exposure
    expect(body.variants).toEqual([
      { variant: 'control', users: 3, exposures: 5, clicks: 2, carts: 1, purchases: 1, purchasers: 1, revenue: 20 },
      { variant: 'treatment', users: 2, exposures: 3, clicks: 3, carts: 0, purchases: 2, purchasers: 2, revenue: 12 },
    ]);
    expect(body.analysis.multipleExposures).toMatchObject({ multipleExposureUsers: 1, exposedUsers: 6 });
    expect(body.analysis.srm).toMatchObject({ totalUsers: 5, status: 'not-enough-traffic' });

    const metric = (name: string) => body.analysis.metrics.find((m: { key: string }) => m.key === name).variants;
    const [ctrC, ctrT] = metric('ctr');
    expect([ctrC.n, ctrC.mean, ctrT.n, ctrT.mean]).toEqual([5, 0.4, 3, 1]);
    const [convC, convT] = metric('conversionRate');
    expect([convC.n, convT.n, convT.mean]).toEqual([3, 2, 1]);
    expect(convC.mean).toBeCloseTo(1 / 3, 12);
    const [rpuC, rpuT] = metric('revenuePerUser');
    expect(rpuC.mean).toBeCloseTo(20 / 3, 12);
    expect(rpuT.mean).toBeCloseTo(6, 12);
    // per user revenue: control 20, 0, 0 → sample variance (400 − 400/3) / 2; treatment 5.5, 6.5 → 0.5
    expect(rpuC.variance).toBeCloseTo((400 - 400 / 3) / 2, 9);
    expect(rpuT.variance).toBeCloseTo(0.5, 9);
    expect(rpuT.comparison.status).toBe('ok');
    expect(rpuT.comparison.lift).toBeCloseTo(6 / (20 / 3) - 1, 12);

    // cumulative per UTC day of ts; u6 counts under both variants here
    expect(body.daily).toHaveLength(2);
    const day = (i: number, variant: string) => body.daily[i].variants.find((v: { variant: string }) => v.variant === variant);
    expect(body.daily.map((d: { date: string }) => d.date)).toEqual([D1, D2]);
    expect(day(0, 'control')).toEqual({ variant: 'control', users: 3, ctr: 0.25, conversionRate: 1 / 3, revenuePerUser: 20 / 3 });
    expect(day(0, 'treatment')).toEqual({ variant: 'treatment', users: 2, ctr: 0.5, conversionRate: 0, revenuePerUser: 0 });
    expect(day(1, 'control')).toEqual({ variant: 'control', users: 4, ctr: 2 / 6, conversionRate: 0.25, revenuePerUser: 5 });
    expect(day(1, 'treatment')).toEqual({ variant: 'treatment', users: 3, ctr: 3 / 4, conversionRate: 2 / 3, revenuePerUser: 4 });
  });

  it('expects the SRM split from the weight phases the users entered in', async () => {
    const key = await runningExperiment('phases');
    const actor = { sub: 'test', roles: ['admin'] };
    await app.store.ramp(
      key,
      [
        { name: 'control', weight: 90 },
        { name: 'treatment', weight: 10 },
      ],
      { actor, reason: 'test' },
    );
    // entered before the ramp (50/50): 2 users; after it (90/10): 10 users
    const rampedAt = new Date((await app.store.require(key)).updatedAt).getTime();
    const before = new Date(rampedAt - 86_400_000).toISOString().slice(0, 10);
    const after = new Date(rampedAt + 86_400_000).toISOString().slice(0, 10);
    const c = { key, variant: 'control' };
    const events = [
      event('view', userId(100, 'phases'), c, before),
      event('view', userId(101, 'phases'), { key, variant: 'treatment' }, before),
      ...Array.from({ length: 10 }, (_, i) => event('view', userId(200 + i, 'phases'), c, after)),
    ];
    await app.ingestor.ingest(events);
    const { body } = await get(`/experiments/${key}/results`, admin);
    // (2 × 50 + 10 × 90) / 12 and (2 × 50 + 10 × 10) / 12
    expect(body.expectedWeights[0].weight).toBeCloseTo(1000 / 12, 9);
    expect(body.expectedWeights[1].weight).toBeCloseTo(200 / 12, 9);
    expect(body.weights).toEqual([
      { variant: 'control', weight: 90 },
      { variant: 'treatment', weight: 10 },
    ]);
  });

  it('answers an experiment without events, 404 for an unknown one, and only to admin or service', async () => {
    const key = await runningExperiment('empty');
    const empty = await get(`/experiments/${key}/results`, admin);
    expect(empty.status).toBe(200);
    expect(empty.body.daily).toEqual([]);
    expect(empty.body.variants.map((v: { users: number }) => v.users)).toEqual([0, 0]);
    expect((await get(`/experiments/no-such-${suffix}/results`, admin)).status).toBe(404);
    const customer = await harness.token(randomUUID(), ['customer']);
    expect((await get(`/experiments/${key}/results`, customer)).status).toBe(403);
    const anonymous = await request(app.service.app).get(`/experiments/${key}/results`);
    expect(anonymous.status).toBe(401);
  });

  it('ingests from Kafka and counts redelivered events once', async () => {
    const topics = ['view', 'click', 'cart', 'purchase'].map(type => `ab-results-test-${suffix}.${type}`);
    const kafka = createKafka({ brokers: infra.KAFKA_BROKERS, clientId: 'ab-testing-results-test' });
    await ensureTopics(kafka, topics.map(topic => ({ topic, numPartitions: 2 })));
    const consuming = await harness.start({
      KAFKA_BROKERS: infra.KAFKA_BROKERS,
      RESULTS_TOPICS: topics.join(','),
      RESULTS_CONSUMER_GROUP: `ab-results-test-${suffix}`,
    });
    await consuming.start();
    const key = await runningExperiment('kafka');
    const events = fixedEvents(key);
    const producer = kafka.producer();
    await producer.connect();
    const send = (batch: Array<ReturnType<typeof event>>) =>
      Promise.all(
        topics.map((topic, i) => {
          const type = ['view', 'click', 'cart', 'purchase'][i];
          const messages = batch
            .filter(e => e.type === type)
            .map(e => ({ key: e.userId ?? e.sessionId, value: JSON.stringify(e) }));
          return messages.length ? producer.send({ topic, messages }) : undefined;
        }),
      );
    try {
      await send(events);
      const users = async () => (await consuming.results.results(key)).variants.map(v => v.users);
      const totals = await eventually(
        async () => {
          const results = await consuming.results.results(key);
          return results.variants[1].purchases === 2 && results.variants[0].users === 3 ? results.variants : undefined;
        },
        30_000,
        'the fixed events counted',
      );
      expect(totals.map(v => v.exposures)).toEqual([5, 3]);
      // the whole set again (a producer retry, a consumer restart before its commit), then one new event
      await send(events);
      await send([event('view', userId(7, 'results'), { key, variant: 'treatment' }, D2)]);
      await eventually(async () => ((await users())[1] === 3 ? true : undefined), 30_000, 'the new event counted');
      const after = (await consuming.results.results(key)).variants;
      expect(after.map(v => [v.users, v.exposures, v.clicks, v.purchases, v.revenue])).toEqual([
        [3, 5, 2, 1, 20],
        [3, 4, 3, 2, 12],
      ]);
    } finally {
      await producer.disconnect();
      await consuming.stop();
    }
  });
});
