import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import request from 'supertest';
import { FEATURE_METRICS } from './features/metrics';
import { eventually, FeatureStoreHarness, startFeatureStore } from './__testUtils__/harness';

const DAY = 86_400_000;
jest.setTimeout(90_000);

describe('feature store: online features from Kafka', () => {
  let h: FeatureStoreHarness;
  beforeAll(async () => {
    h = await startFeatureStore();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const user = randomUUID();
  const startOfToday = Math.floor(Date.now() / DAY) * DAY;
  const at = (millis: number) => new Date(millis).toISOString();
  const today = (ms: number) => at(startOfToday + ms);
  const event = (type: string, productId: string, ts: string, userId: string | null = user) => ({
    eventId: randomUUID(),
    userId,
    sessionId: 's-1',
    type,
    productId,
    ts,
    meta: {},
    receivedAt: new Date().toISOString(),
  });
  const product = (id: string, category: string) => ({
    eventId: randomUUID(),
    type: 'created',
    product: {
      id,
      name: id,
      category,
      price: 10,
      currency: 'EUR',
      tags: [],
      attributes: {},
      stock: 1,
      updatedAt: new Date().toISOString(),
    },
    occurredAt: new Date().toISOString(),
  });
  const order = (orderId: string, status: string, total: number) => ({
    eventId: randomUUID(),
    orderId,
    userId: user,
    total,
    currency: 'EUR',
    status,
    items: [{ productId: 'p1', quantity: 1, price: total }],
    occurredAt: new Date().toISOString(),
  });
  const topic = (type: string) => `${h.config.EVENTS_TOPIC_PREFIX}.${type}`;

  const get = async (userId: string, token?: string) => {
    const response = await request(h.app.service.app)
      .get(`/features/${userId}`)
      .set(token ? { authorization: `Bearer ${token}` } : {});
    h.contract.assertResponse('GET', `/features/${userId}`, response);
    return response;
  };
  const serviceToken = () => h.token(randomUUID(), ['service']);

  // hand-computed: 1d = e1, e2, e6; 7d adds e3; 30d adds e4; e5 (40 days ago) counts only for recency and affinity
  const e1 = event('view', 'p1', today(10));
  const e2 = event('click', 'p1', today(20));
  const e3 = event('view', 'p2', at(startOfToday - 3 * DAY + 1000));
  const e4 = event('cart', 'p1', at(startOfToday - 10 * DAY + 1000));
  const e5 = event('purchase', 'p2', at(startOfToday - 40 * DAY + 1000));
  const e6 = event('view', 'p-unknown', today(30));
  const anonymous = event('view', 'p1', today(40), null);
  const o1 = order(randomUUID(), 'pending', 19.99);

  const counts = (view: number, click: number, cart: number, purchase: number) => ({
    view,
    click,
    cart,
    purchase,
    total: view + click + cart + purchase,
  });

  it('builds recency, frequency, monetary value and category affinity from the topics', async () => {
    await h.produce(h.config.PRODUCTS_TOPIC, [
      { key: 'p1', value: product('p1', 'shoes') },
      { key: 'p2', value: product('p2', 'books') },
    ]);
    // products first: an interaction on a product not yet in the map counts for no category
    await eventually(async () => ((await h.app.store.categoryOf('p2')) === 'books' ? true : undefined), 30_000, 'product map');
    for (const e of [e1, e2, e3, e4, e5, e6, anonymous]) await h.produce(topic(e.type), [{ key: user, value: e }]);
    const o2 = randomUUID();
    await h.produce(h.config.ORDERS_TOPIC, [
      { key: user, value: o1 },
      { key: user, value: order(o1.orderId, 'paid', 19.99) },
      { key: user, value: order(o2, 'pending', 5.01) },
      { key: user, value: order(o2, 'cancelled', 5.01) },
    ]);

    const token = await serviceToken();
    const expected = {
      userId: user,
      recency: {
        lastInteractionAt: e6.ts,
        byType: { view: e6.ts, click: e2.ts, cart: e4.ts, purchase: e5.ts },
      },
      frequency: { '1d': counts(2, 1, 0, 0), '7d': counts(3, 1, 0, 0), '30d': counts(3, 1, 1, 0) },
      monetary: { total: 19.99, orders: 1 },
      // shoes: view 1 + click 2 + cart 4 = 7; books: view 1 + purchase 8 = 9; of 16
      categoryAffinity: { books: 9 / 16, shoes: 7 / 16 },
      embedding: null,
    };
    const body = await eventually(async () => {
      const response = await get(user, token);
      if (response.status !== 200) return undefined;
      const { updatedAt, ...rest } = response.body;
      return isDeepStrictEqual(rest, expected) ? response.body : undefined;
    }, 30_000, 'the expected features');
    expect(body).toEqual({ ...expected, updatedAt: expect.any(String) });
    expect(await h.redis.ttl(`${h.config.FEATURE_KEY_PREFIX}user:${user}`)).toBeGreaterThan(89 * 86_400);
  });

  it('does not count a redelivered event twice', async () => {
    const marker = event('view', 'p2', today(50));
    const o3 = order(randomUUID(), 'pending', 1);
    // the duplicates go first on the same partition as the marker, so once the marker is applied they were seen
    await h.produce(topic('view'), [
      { key: user, value: e1 },
      { key: user, value: marker },
    ]);
    await h.produce(h.config.ORDERS_TOPIC, [
      { key: user, value: o1 },
      { key: user, value: o3 },
    ]);
    const token = await serviceToken();
    const body = await eventually(async () => {
      const response = await get(user, token);
      return response.body.frequency['1d'].view === 3 && response.body.monetary.orders === 2 ? response.body : undefined;
    }, 30_000, 'the marker events');
    expect(body.frequency).toEqual({ '1d': counts(3, 1, 0, 0), '7d': counts(4, 1, 0, 0), '30d': counts(4, 1, 1, 0) });
    expect(body.monetary).toEqual({ total: 20.99, orders: 2 });
    expect(body.categoryAffinity).toEqual({ books: 10 / 17, shoes: 7 / 17 });

    const metrics = await request(h.app.service.app).get('/metrics');
    expect(metrics.text).toMatch(new RegExp(`${FEATURE_METRICS.duplicates}\\{source="view"[^}]*\\} 1\\b`));
    expect(metrics.text).toMatch(new RegExp(`${FEATURE_METRICS.duplicates}\\{source="orders"[^}]*\\} 1\\b`));
    expect(metrics.text).toMatch(new RegExp(`${FEATURE_METRICS.applied}\\{source="view"[^}]*\\} 4\\b`));
    expect(metrics.text).toContain('kafka_consumer_lag');
  });

  it('answers 404 for an unknown user', async () => {
    const response = await get(randomUUID(), await serviceToken());
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('is ready once Redis answers and the consumer joined its group', async () => {
    const response = await request(h.app.service.app).get('/readyz');
    h.contract.assertResponse('GET', '/readyz', response);
    expect(response.status).toBe(200);
    expect(response.body.checks).toEqual({ redis: { status: 'ok' }, kafka: { status: 'ok' } });
  });
});

describe('feature store: POST /features/{userId}', () => {
  let h: FeatureStoreHarness;
  beforeAll(async () => {
    h = await startFeatureStore();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const post = async (userId: string, body: unknown, token?: string) => {
    const response = await request(h.app.service.app)
      .post(`/features/${userId}`)
      .set(token ? { authorization: `Bearer ${token}` } : {})
      .send(body as object);
    h.contract.assertResponse('POST', `/features/${userId}`, response);
    return response;
  };
  const embedding = { model: 'recommendation-als', version: '3', row: 42 };

  it('stores the embedding pointer written by a service token', async () => {
    const user = randomUUID();
    const token = await h.token(randomUUID(), ['service']);
    const response = await post(user, { embedding }, token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      userId: user,
      embedding,
      monetary: { total: 0, orders: 0 },
      categoryAffinity: {},
      recency: { lastInteractionAt: null },
    });
    const read = await request(h.app.service.app).get(`/features/${user}`).set({ authorization: `Bearer ${token}` });
    h.contract.assertResponse('GET', `/features/${user}`, read);
    expect(read.body.embedding).toEqual(embedding);
    expect(await h.redis.hget(`${h.config.FEATURE_KEY_PREFIX}user:${user}`, 'embedding')).toBe(JSON.stringify(embedding));
  });

  it('refuses a customer (403) and a caller without a token (401), and stores nothing', async () => {
    const user = randomUUID();
    const forbidden = await post(user, { embedding }, await h.token(user, ['customer']));
    expect(forbidden.status).toBe(403);
    const unauthorized = await post(user, { embedding });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(await h.redis.exists(`${h.config.FEATURE_KEY_PREFIX}user:${user}`)).toBe(0);
  });

  it.each([
    ['an unknown field', { embedding, recency: 1 }],
    ['a missing embedding', {}],
    ['a negative row', { embedding: { ...embedding, row: -1 } }],
    ['a row of the wrong type', { embedding: { ...embedding, row: 'x' } }],
  ])('refuses %s with 400 and stores nothing', async (_what, body) => {
    const user = randomUUID();
    const response = await post(user, body, await h.token(randomUUID(), ['admin']));
    expect(response.status).toBe(400);
    expect(response.body.errors.length).toBeGreaterThan(0);
    expect(await h.redis.exists(`${h.config.FEATURE_KEY_PREFIX}user:${user}`)).toBe(0);
  });
});
