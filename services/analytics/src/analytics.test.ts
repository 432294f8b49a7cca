import { randomUUID } from 'node:crypto';
import { eventually, readTopic, startHarness, type Harness } from './__testUtils__/harness';

jest.setTimeout(240_000);

const at = (hms: string) => `2030-01-01T${hms}Z`;
const ms = (iso: string) => Date.parse(iso);
const isoSecond = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

interface Interaction {
  type: 'view' | 'click' | 'cart' | 'purchase';
  session: string;
  ts: string;
  variant?: 'control' | 'treatment';
  /** the job's watermark when it is sent (known by construction): windows that ended by then no longer take it */
  watermark?: string;
}
interface Order {
  id: string;
  status: 'pending' | 'paid';
  total: number;
  items: Array<[productId: string, quantity: number, price: number]>;
  occurredAt: string;
  watermark?: string;
}

const EXPERIMENT = 'checkout-copy';
const LATENESS_MS = 5_000;

/**
 * What analytics-results must hold, computed here from what the test sent: every window whose end the final
 * watermark (the newest event time less the lateness) passed, without the events that arrived after their window
 * had closed. Keys and fields as platform-events.asyncapi.yaml defines them.
 */
function expectedResults(interactions: Interaction[], orders: Order[], topProducts: number) {
  const results = new Map<string, Record<string, unknown>>();
  const finalInteractionWatermark = Math.max(...interactions.map(e => ms(e.ts))) - LATENESS_MS;
  const buckets = new Map<string, { views: number; clicks: number; carts: number; purchases: number; sessions: Set<string>; converted: Set<string> }>();
  for (const event of interactions) {
    for (const [size, length] of [['1m', 60_000], ['1h', 3_600_000]] as const) {
      const start = Math.floor(ms(event.ts) / length) * length;
      const end = start + length;
      if (end > finalInteractionWatermark) continue;
      if (event.watermark && end <= ms(event.watermark)) continue;
      const scopes = [['', ''], ...(event.variant ? [[EXPERIMENT, event.variant]] : [])];
      for (const [key, variant] of scopes) {
        const id = `interactions|${size}|${isoSecond(start)}|${key}|${variant}`;
        const bucket = buckets.get(id) ?? { views: 0, clicks: 0, carts: 0, purchases: 0, sessions: new Set(), converted: new Set() };
        bucket[`${event.type}s`] += 1;
        bucket.sessions.add(event.session);
        if (event.type === 'purchase') bucket.converted.add(event.session);
        buckets.set(id, bucket);
        results.set(id, {
          kind: 'interactions',
          window: size,
          windowStart: isoSecond(start),
          windowEnd: isoSecond(end),
          ...(key ? { experiment: { key, variant } } : {}),
          views: bucket.views,
          clicks: bucket.clicks,
          carts: bucket.carts,
          purchases: bucket.purchases,
          sessions: bucket.sessions.size,
          convertedSessions: bucket.converted.size,
          ctr: bucket.views ? bucket.clicks / bucket.views : 0,
          conversionRate: bucket.converted.size / bucket.sessions.size,
        });
      }
    }
  }
  const finalOrderWatermark = Math.max(...orders.map(o => ms(o.occurredAt))) - LATENESS_MS;
  const windows = new Map<number, { cents: number; count: number; products: Map<string, { quantity: number; cents: number }> }>();
  for (const order of orders) {
    const start = Math.floor(ms(order.occurredAt) / 300_000) * 300_000;
    if (order.status !== 'pending' || start + 300_000 > finalOrderWatermark) continue;
    if (order.watermark && start + 300_000 <= ms(order.watermark)) continue;
    const window = windows.get(start) ?? { cents: 0, count: 0, products: new Map() };
    window.count += 1;
    window.cents += Math.round(order.total * 100);
    for (const [productId, quantity, price] of order.items) {
      const product = window.products.get(productId) ?? { quantity: 0, cents: 0 };
      product.quantity += quantity;
      product.cents += quantity * Math.round(price * 100);
      window.products.set(productId, product);
    }
    windows.set(start, window);
  }
  for (const [start, window] of windows) {
    const bounds = { window: '5m', windowStart: isoSecond(start), windowEnd: isoSecond(start + 300_000) };
    results.set(`orders|5m|${isoSecond(start)}`, {
      kind: 'orders',
      ...bounds,
      orders: window.count,
      revenue: window.cents / 100,
      averageOrderValue: Math.round(window.cents / window.count) / 100,
    });
    [...window.products]
      .sort(([a, x], [b, y]) => y.quantity - x.quantity || a.localeCompare(b))
      .slice(0, topProducts)
      .forEach(([productId, product], index) => {
        results.set(`top-product|5m|${isoSecond(start)}|${index + 1}`, {
          kind: 'top-product',
          ...bounds,
          rank: index + 1,
          productId,
          quantity: product.quantity,
          revenue: product.cents / 100,
        });
      });
  }
  return results;
}

describe('analytics on Flink (real Kafka, PostgreSQL and a local Flink mini-cluster)', () => {
  let h: Harness;
  const interactions: Interaction[] = [];
  const orders: Order[] = [];

  const send = async (...events: Interaction[]) => {
    for (const event of events) {
      interactions.push(event);
      await h.producer.send({
        topic: h.topics.events[['view', 'click', 'cart', 'purchase'].indexOf(event.type)],
        messages: [
          {
            key: event.session,
            value: JSON.stringify({
              eventId: randomUUID(),
              userId: null,
              sessionId: event.session,
              type: event.type,
              ...(event.type === 'cart' || event.type === 'purchase' ? { productId: 'p1' } : {}),
              ts: event.ts,
              meta: {},
              ...(event.variant ? { experiment: { key: EXPERIMENT, variant: event.variant } } : {}),
              receivedAt: event.ts,
            }),
          },
        ],
      });
    }
  };
  const place = async (...placed: Order[]) => {
    for (const order of placed) {
      orders.push(order);
      await h.producer.send({
        topic: h.topics.orders,
        messages: [
          {
            key: order.id,
            value: JSON.stringify({
              eventId: randomUUID(),
              orderId: order.id,
              userId: randomUUID(),
              total: order.total,
              currency: 'EUR',
              status: order.status,
              items: order.items.map(([productId, quantity, price]) => ({ productId, quantity, price })),
              occurredAt: order.occurredAt,
            }),
          },
        ],
      });
    }
  };
  const order = (occurredAt: string, total: number, items: Order['items'], extra: Partial<Order> = {}): Order => ({
    id: randomUUID(),
    status: 'pending',
    total,
    items,
    occurredAt,
    ...extra,
  });
  const projected = (sql: string, params: unknown[]) =>
    eventually(
      async () => {
        const { rows } = await h.pool.query(sql, params);
        return rows.length ? rows : undefined;
      },
      60_000,
      sql,
      200,
    );

  beforeAll(async () => {
    h = await startHarness({ ANALYTICS_TOP_PRODUCTS: '2' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('writes each closed window once to analytics-results and PostgreSQL, late and out-of-order events, order events and a job crash included', async () => {
    const A = order(at('10:01:00'), 30, [['p1', 2, 10], ['p2', 1, 10]]);
    // minute 10:00 and the first 5 minutes
    await send(
      { type: 'view', session: 's1', ts: at('10:00:05'), variant: 'control' },
      { type: 'view', session: 's2', ts: at('10:00:07.250'), variant: 'treatment' },
      { type: 'click', session: 's1', ts: at('10:00:10'), variant: 'control' },
      { type: 'cart', session: 's1', ts: at('10:00:12'), variant: 'control' },
      { type: 'purchase', session: 's1', ts: '2030-01-01T11:00:20+01:00', variant: 'control' },
      { type: 'view', session: 's2', ts: at('10:00:30'), variant: 'treatment' },
      { type: 'click', session: 's2', ts: at('10:00:31'), variant: 'treatment' },
      { type: 'view', session: 's3', ts: at('10:00:40') },
      { type: 'click', session: 's3', ts: at('10:01:02') },
      // out of order, within the lateness: minute 10:00 is still open
      { type: 'click', session: 's3', ts: at('10:00:58') },
      // every topic past 10:01:05: the watermark closes minute 10:00
      { type: 'view', session: 's4', ts: at('10:01:10') },
      { type: 'click', session: 's4', ts: at('10:01:11') },
      { type: 'cart', session: 's4', ts: at('10:01:12') },
      { type: 'purchase', session: 's4', ts: at('10:01:13') },
    );
    await place(
      A,
      { ...A, status: 'paid', occurredAt: at('10:02:00') },
      order(at('10:03:00'), 45.5, [['p2', 3, 15], ['p3', 1, 0.5]]),
      order(at('10:05:02'), 20, [['p3', 4, 5]]),
      // out of order, within the lateness
      order(at('10:04:30'), 12.25, [['p1', 1, 12.25]]),
      order(at('10:05:10'), 40, [['p1', 2, 20]]),
    );
    await projected(`SELECT 1 FROM interaction_windows WHERE window_size = '1m' AND window_start = $1`, [at('10:00:00')]);
    await projected(`SELECT 1 FROM order_windows WHERE window_start = $1`, [at('10:00:00')]);

    // late: their windows (minute 10:00, 10:00-10:05) have closed; the hour 10:00 is open and takes the view
    await send({ type: 'view', session: 's5', ts: at('10:00:50'), watermark: at('10:01:05') });
    await place(order(at('10:04:00'), 99, [['p9', 9, 11]], { watermark: at('10:05:05') }));

    // minute 10:01 and 10:05-10:10 are open when the job is killed, and get more events while it is down
    await send(
      { type: 'view', session: 's6', ts: at('10:01:20'), variant: 'control' },
      { type: 'click', session: 's6', ts: at('10:01:25'), variant: 'control' },
    );
    await place(order(at('10:06:00'), 10, [['p2', 1, 10]]));
    await h.app.job!.nextCheckpoint();
    await h.app.job!.nextCheckpoint();
    await h.app.job!.kill();
    await send(
      { type: 'view', session: 's7', ts: at('10:01:40'), variant: 'treatment' },
      { type: 'purchase', session: 's6', ts: at('10:01:45'), variant: 'control' },
    );
    await place(order(at('10:07:00'), 30, [['p3', 2, 15]]));
    await h.app.job!.start();

    // every topic past 11:00:05: the minutes up to 11:00 and the hour 10:00 close; orders past 10:10:05
    await send(
      { type: 'view', session: 's8', ts: at('11:00:10') },
      { type: 'click', session: 's8', ts: at('11:00:10') },
      { type: 'cart', session: 's8', ts: at('11:00:10') },
      { type: 'purchase', session: 's8', ts: at('11:00:10') },
    );
    await place(order(at('10:10:10'), 5, [['p4', 1, 5]]));

    const expected = expectedResults(interactions, orders, 2);
    await projected(`SELECT 1 FROM interaction_windows WHERE window_size = '1h' AND window_start = $1`, [at('10:00:00')]);
    await projected(`SELECT 1 FROM order_windows WHERE window_start = $1`, [at('10:05:00')]);
    await projected(`SELECT 1 FROM top_products WHERE window_start = $1 AND rank = 2`, [at('10:05:00')]);

    const records = await readTopic(h.kafka, h.topics.results, `${h.run}-reader`);
    const keys = records.map(r => r.key);
    expect(keys.length).toBe(new Set(keys).size); // nothing twice, the crash included
    expect(new Map(records.map(r => [r.key, r.value]))).toEqual(expected);
    // spot checks of the hand-made scenario, in case the reference above and the job share a mistake
    expect(expected.get(`orders|5m|${at('10:00:00')}`)).toMatchObject({ orders: 3, revenue: 87.75, averageOrderValue: 29.25 });
    expect(expected.get(`orders|5m|${at('10:05:00')}`)).toMatchObject({ orders: 4, revenue: 100, averageOrderValue: 25 });
    expect(expected.get(`top-product|5m|${at('10:00:00')}|1`)).toMatchObject({ productId: 'p2', quantity: 4, revenue: 55 });
    expect(expected.get(`interactions|1m|${at('10:00:00')}||`)).toMatchObject({ views: 4, clicks: 3, sessions: 3 });
    expect(expected.get(`interactions|1h|${at('10:00:00')}||`)).toMatchObject({ views: 8, purchases: 3 });
    expect(expected.get(`interactions|1h|${at('10:00:00')}|${EXPERIMENT}|control`)).toMatchObject({
      views: 2,
      clicks: 2,
      purchases: 2,
      sessions: 2,
      convertedSessions: 2,
      conversionRate: 1,
    });

    // GET /kpis answers the same windows from PostgreSQL
    const token = await h.token();
    const get = async (path: string) => {
      const response = await h.http.get(path).set('authorization', `Bearer ${token}`);
      h.contract.assertResponse('get', path, response);
      return response;
    };
    const ctr = await get(`/kpis?metric=ctr&window=1m&from=${at('10:00:00')}&to=${at('11:00:00')}`);
    expect(ctr.status).toBe(200);
    const minutes = [...expected.values()].filter(r => r.kind === 'interactions' && r.window === '1m' && !r.experiment);
    expect(ctr.body.series).toEqual([
      {
        variant: null,
        points: minutes
          .sort((a, b) => String(a.windowStart).localeCompare(String(b.windowStart)))
          .map(r => ({ windowStart: r.windowStart, windowEnd: r.windowEnd, value: r.ctr })),
      },
    ]);
    const cvr = await get(`/kpis?metric=conversionRate&window=1h&experiment=${EXPERIMENT}&from=${at('10:00:00')}&to=${at('12:00:00')}`);
    expect(cvr.body.series).toEqual(
      ['control', 'treatment'].map(variant => ({
        variant,
        points: [
          {
            windowStart: at('10:00:00'),
            windowEnd: at('11:00:00'),
            value: expected.get(`interactions|1h|${at('10:00:00')}|${EXPERIMENT}|${variant}`)!.conversionRate,
          },
        ],
      })),
    );
    const revenue = await get(`/kpis?metric=revenue&from=${at('10:00:00')}&to=${at('11:00:00')}`);
    expect(revenue.body).toMatchObject({ metric: 'revenue', window: '5m', experiment: null });
    expect(revenue.body.series[0].points.map((p: { value: number }) => p.value)).toEqual([87.75, 100]);

    const outcomes = await get(`/experiments/${EXPERIMENT}/outcomes?from=${at('10:00:00')}&to=${at('11:00:00')}`);
    expect(outcomes.body.variants).toEqual(
      ['control', 'treatment'].map(variant => {
        const { views, clicks, carts, purchases, sessions, convertedSessions, ctr: rate, conversionRate } = expected.get(
          `interactions|1h|${at('10:00:00')}|${EXPERIMENT}|${variant}`,
        )! as Record<string, number>;
        return { variant, views, clicks, carts, purchases, sessions, convertedSessions, ctr: rate, conversionRate };
      }),
    );
    const top = await get(`/top-products?from=${at('10:00:00')}&to=${at('10:10:00')}`);
    expect(top.body.windows.map((w: { products: Array<{ productId: string }> }) => w.products.map(p => p.productId))).toEqual([
      ['p2', 'p1'],
      ['p3', 'p1'],
    ]);

    // the gauges: the newest closed windows
    const metrics = await h.http.get('/metrics');
    const control1h = expected.get(`interactions|1h|${at('10:00:00')}|${EXPERIMENT}|control`)!;
    const gauge = (name: string, labels = '') =>
      new RegExp(`^${name}\\{${labels}service="analytics-service"\\} (\\S+)$`, 'm').exec(metrics.text)?.[1];
    expect(gauge('analytics_conversion_rate', `window="1h",experiment="${EXPERIMENT}",variant="control",`)).toBe(
      String(control1h.conversionRate),
    );
    expect(gauge('analytics_ctr', 'window="1m",experiment="",variant="",')).toBe(
      String(minutes.at(-1)!.ctr),
    );
    expect(gauge('analytics_orders_per_minute')).toBe('0.8'); // 4 orders in the newest closed 5 minutes
    expect(gauge('analytics_revenue')).toBe('100');
    expect(gauge('analytics_average_order_value')).toBe('25');
  });

  it('answers bad input with RFC 9457 problems', async () => {
    const token = await h.token();
    const cases: Array<[string, number]> = [
      ['/kpis?metric=bogus', 400],
      ['/kpis', 400],
      ['/kpis?metric=ctr&from=yesterday', 400],
      ['/kpis?metric=ctr&experiment=Not_A_Key', 400],
      ['/kpis?metric=orders&window=1m', 422],
      ['/kpis?metric=ctr&window=5m', 422],
      ['/kpis?metric=revenue&experiment=checkout-copy', 422],
      ['/kpis?metric=ctr&variant=control', 422],
      [`/kpis?metric=ctr&from=${at('11:00:00')}&to=${at('10:00:00')}`, 422],
      [`/kpis?metric=ctr&window=1m&from=${at('10:00:00')}&to=2030-02-01T10:00:00Z`, 422],
      ['/kpis?metric=ctr&to=2030-06-30T23:59:60Z', 422],
      [`/experiments/${EXPERIMENT}/outcomes?from=${at('11:00:00')}&to=${at('10:00:00')}`, 422],
      ['/experiments/Bad_Key/outcomes', 400],
      ['/top-products?from=2030-01-01', 400],
    ];
    for (const [path, status] of cases) {
      const response = await h.http.get(path).set('authorization', `Bearer ${token}`);
      expect([path, response.status]).toEqual([path, status]);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      h.contract.assertResponse('get', path, response);
    }
    const anonymous = await h.http.get('/kpis?metric=ctr');
    expect(anonymous.status).toBe(401);
    const customer = await h.http.get('/kpis?metric=ctr').set('authorization', `Bearer ${await h.token(['customer'])}`);
    expect(customer.status).toBe(403);
  });
});
