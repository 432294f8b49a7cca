import { MongoClient } from 'mongodb';
import { createJwtIssuer } from '@platform/service-kit';
import { createProductService, loadProductConfig } from './app';
import {
  collectTopic,
  contractValidator,
  createTopics,
  deleteTopics,
  eventValidator,
  eventually,
  infraEnv,
  testKafka,
  testKeyPair,
  uniqueSuffix,
} from './__testUtils__/testSupport';

jest.setTimeout(60_000);

const suffix = uniqueSuffix();
const database = `product_test_${suffix}`;
const topic = `products.test-${suffix}`;
const keys = testKeyPair();
const expectContract = contractValidator('product-api');
const expectProductEvent = eventValidator('ProductChangeEvent');
const kafka = testKafka('product-service-test');

let app: Awaited<ReturnType<typeof createProductService>>;
let config: ReturnType<typeof loadProductConfig>;
let baseUrl: string;
let adminToken: string;
let serviceToken: string;
let customerToken: string;
let events: Awaited<ReturnType<typeof collectTopic>>;

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined)
    headers['content-type'] = 'application/json';
  return fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body:
      options.rawBody ??
      (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
}

async function createProduct(body: Record<string, unknown>) {
  const response = await call('POST', '/products', { token: adminToken, body });
  expect(response.status).toBe(201);
  return expectContract('POST', response);
}

async function productCount(): Promise<number> {
  return app.db.collection('products').countDocuments({ deleted: false });
}

beforeAll(async () => {
  const env = infraEnv();
  await createTopics(kafka, [topic]);
  config = loadProductConfig({
    ...env,
    PORT: '0',
    LOG_LEVEL: 'error',
    MONGODB_DATABASE: database,
    PRODUCTS_TOPIC: topic,
    OUTBOX_POLL_MS: '100',
    JWT_PUBLIC_KEY: keys.publicKeyPem,
  });
  app = await createProductService(config);
  const { url } = await app.start();
  baseUrl = url;
  const issuer = await createJwtIssuer({
    privateKeyPem: keys.privateKeyPem,
    issuer: 'user-service',
    audience: 'platform',
    ttlSeconds: 600,
  });
  adminToken = await issuer.sign({
    sub: '00000000-0000-4000-8000-000000000001',
    roles: ['admin'],
    email: 'admin@example.com',
  });
  serviceToken = await issuer.sign({
    sub: '00000000-0000-4000-8000-000000000002',
    roles: ['service'],
  });
  customerToken = await issuer.sign({
    sub: '00000000-0000-4000-8000-000000000003',
    roles: ['customer'],
    email: 'c@example.com',
  });
  events = await collectTopic(kafka, topic);
});

afterAll(async () => {
  await events?.stop();
  await app?.stop();
  const mongo = new MongoClient(infraEnv().MONGODB_URI);
  await mongo.connect();
  await mongo.db(database).dropDatabase();
  await mongo.close();
  await deleteTopics(kafka, [topic]);
});

describe('products CRUD', () => {
  it('creates, reads, updates and deletes a product, each answer as the contract says', async () => {
    const created = await createProduct({
      name: 'Trail Runner 2',
      category: 'shoes',
      price: 89.5,
      stock: 12,
      tags: ['running', 'outdoor'],
    });
    expect(created).toMatchObject({
      name: 'Trail Runner 2',
      currency: 'USD',
      attributes: {},
      stock: 12,
    });

    const read = await call('GET', `/products/${created.id}`);
    expect(read.status).toBe(200);
    expect(await expectContract('GET', read)).toEqual(created);

    const patched = await call('PATCH', `/products/${created.id}`, {
      token: adminToken,
      body: { price: 79.99, tags: ['running'] },
    });
    expect(patched.status).toBe(200);
    expect(await expectContract('PATCH', patched)).toMatchObject({
      price: 79.99,
      tags: ['running'],
      name: 'Trail Runner 2',
    });

    const deleted = await call('DELETE', `/products/${created.id}`, {
      token: adminToken,
    });
    expect(deleted.status).toBe(204);
    await expectContract('DELETE', deleted);

    const gone = await call('GET', `/products/${created.id}`);
    expect(gone.status).toBe(404);
    expect((await expectContract('GET', gone)).status).toBe(404);
  });

  it('requires the admin role to write', async () => {
    const anonymous = await call('POST', '/products', {
      body: { name: 'x', category: 'c', price: 1, stock: 1 },
    });
    expect(anonymous.status).toBe(401);
    await expectContract('POST', anonymous);
    const customer = await call('POST', '/products', {
      token: customerToken,
      body: { name: 'x', category: 'c', price: 1, stock: 1 },
    });
    expect(customer.status).toBe(403);
    await expectContract('POST', customer);
  });

  it('publishes created, updated and deleted events keyed by product id, in order', async () => {
    const product = await createProduct({
      name: 'Event Lamp',
      category: 'home',
      price: 20,
      stock: 3,
    });
    // Changes made between two relay passes are published as one event with the latest state, so
    // wait for each event before the next change to see one event per change.
    const eventsOf = (count: number) =>
      eventually(
        () => {
          const found = events.records.filter(
            record => record.key === product.id,
          );
          return found.length >= count ? found : undefined;
        },
        20_000,
        `${count} event(s) for ${product.id}`,
      );
    await eventsOf(1);
    await call('PATCH', `/products/${product.id}`, {
      token: adminToken,
      body: { name: 'Event Lamp XL' },
    });
    await eventsOf(2);
    await call('DELETE', `/products/${product.id}`, { token: adminToken });

    const mine = await eventsOf(3);
    const values = mine.map(record => JSON.parse(record.value));
    values.forEach(expectProductEvent);
    expect(values.map(value => value.type)).toEqual([
      'created',
      'updated',
      'deleted',
    ]);
    expect(values[1].product.name).toBe('Event Lamp XL');
    expect(
      mine.map(record =>
        Number(record.headers?.['product-version']?.toString()),
      ),
    ).toEqual([1, 2, 3]);
    expect(new Set(mine.map(record => record.partition)).size).toBe(1);
    expect(new Set(values.map(value => value.eventId)).size).toBe(3);
    // The tombstone is removed once its deletion is on Kafka.
    await eventually(async () =>
      (await app.db
        .collection('products')
        .countDocuments({ _id: product.id } as never)) === 0
        ? true
        : undefined,
    );
  });
  it('never loses a change: after a burst of updates the latest version reaches Kafka', async () => {
    const product = await createProduct({
      name: 'Burst 0',
      category: 'burst',
      price: 1,
      stock: 1,
    });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('PATCH', `/products/${product.id}`, {
          token: adminToken,
          body: { name: `Burst ${i + 1}` },
        }),
      ),
    );
    const final = await (await call('GET', `/products/${product.id}`)).json();
    const last = await eventually(
      () =>
        events.records.find(
          record =>
            record.key === product.id &&
            record.headers?.['product-version']?.toString() === '11',
        ),
      20_000,
      'version 11 on the topic',
    );
    expect(JSON.parse(last.value).product.name).toBe(final.name);
    const versions = events.records
      .filter(record => record.key === product.id)
      .map(record => Number(record.headers?.['product-version']?.toString()));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    // The marker clears once the relay has recorded the publication.
    await eventually(
      async () =>
        (await app.db.collection('products').countDocuments({
          _id: product.id,
          pendingPublish: true,
        } as never)) === 0
          ? true
          : undefined,
      10_000,
      'the outbox marker to clear',
    );
  });
});

describe('listing', () => {
  const category = `cat-${suffix}`;
  let ids: string[] = [];

  beforeAll(async () => {
    const made = [];
    for (const [index, spec] of [
      { name: 'Alpine Jacket', price: 150, tags: ['outdoor', 'winter'] },
      { name: 'alpine hat', price: 25, tags: ['winter'] },
      { name: 'Beach Towel', price: 15, tags: ['summer'] },
      { name: 'Café (Deluxe) Mug', price: 12, tags: ['kitchen'] },
      { name: 'Desk Lamp', price: 40, tags: ['home', 'outdoor'] },
    ].entries()) {
      made.push(await createProduct({ ...spec, category, stock: index + 1 }));
    }
    ids = made.map(product => product.id).sort();
  });

  async function list(query: string) {
    const response = await call('GET', `/products?${query}`);
    expect(response.status).toBe(200);
    return expectContract('GET', response);
  }

  it('filters by category, price range, tags and a case-insensitive, literal name match', async () => {
    const all = await list(`category=${category}&limit=100`);
    expect(all.items.map((p: { id: string }) => p.id)).toEqual(ids);

    const priced = await list(`category=${category}&minPrice=15&maxPrice=40`);
    expect(priced.items.map((p: { name: string }) => p.name).sort()).toEqual([
      'Beach Towel',
      'Desk Lamp',
      'alpine hat',
    ]);

    const tagged = await list(`category=${category}&tags=outdoor,winter`);
    expect(tagged.items.map((p: { name: string }) => p.name)).toEqual([
      'Alpine Jacket',
    ]);

    const named = await list(`category=${category}&q=ALPINE`);
    expect(named.items).toHaveLength(2);

    // Regex metacharacters and accents in q are matched literally.
    const literal = await list(
      `category=${category}&q=${encodeURIComponent('cafe (deluxe')}`,
    );
    expect(literal.items.map((p: { name: string }) => p.name)).toEqual([
      'Café (Deluxe) Mug',
    ]);
    expect(
      (await list(`category=${category}&q=${encodeURIComponent('.*')}`)).items,
    ).toHaveLength(0);
  });

  it('serves repeated listings from a short cache that a write clears at once', async () => {
    const fresh = `fresh-${suffix}`;
    expect((await list(`category=${fresh}`)).items).toEqual([]);
    const created = await createProduct({
      name: 'Fresh',
      category: fresh,
      price: 1,
      stock: 1,
    });
    expect(
      (await list(`category=${fresh}`)).items.map((p: { id: string }) => p.id),
    ).toEqual([created.id]);
  });

  it('pages with an opaque cursor, every product exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } =
        await list(
          `category=${category}&limit=2${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
        );
      seen.push(...page.items.map(item => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  // both are strings and numbers the contract allows; the rules they break are its documented 422
  it('answers 422 problems for a forged cursor and an inverted price range, 400 for a wrong type', async () => {
    const forged = await call(
      'GET',
      `/products?cursor=${encodeURIComponent('not-ours')}`,
    );
    expect(forged.status).toBe(422);
    expect((await expectContract('GET', forged)).errors[0].parameter).toBe(
      'cursor',
    );
    const inverted = await call('GET', '/products?minPrice=10&maxPrice=5');
    expect(inverted.status).toBe(422);
    await expectContract('GET', inverted);
    const wrongType = await call('GET', '/products?minPrice=cheap');
    expect(wrongType.status).toBe(400);
    await expectContract('GET', wrongType);
  });
});

describe('bad input is refused with problem+json and nothing is stored', () => {
  it.each([
    ['malformed JSON', { rawBody: '{"name": "x",' }],
    [
      'wrong types',
      { body: { name: 'x', category: 'c', price: 'cheap', stock: 1.5 } },
    ],
    [
      'unknown fields',
      { body: { name: 'x', category: 'c', price: 1, stock: 1, discount: 50 } },
    ],
    ['missing fields', { body: { name: 'x' } }],
    [
      'attribute names the database cannot store',
      {
        body: {
          name: 'x',
          category: 'c',
          price: 1,
          stock: 1,
          attributes: { 'a.b': 1 },
        },
      },
    ],
  ])('%s -> 400', async (_label, request) => {
    const before = await productCount();
    const response = await call('POST', '/products', {
      token: adminToken,
      ...request,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(
      /^application\/problem\+json/,
    );
    await expectContract('POST', response);
    expect(await productCount()).toBe(before);
  });

  it('oversized body -> 413', async () => {
    const before = await productCount();
    const response = await call('POST', '/products', {
      token: adminToken,
      body: {
        name: 'x',
        category: 'c',
        price: 1,
        stock: 1,
        attributes: { blob: 'x'.repeat(2_000_000) },
      },
    });
    expect(response.status).toBe(413);
    await expectContract('POST', response);
    expect(await productCount()).toBe(before);
  });
});

describe('stock reservations', () => {
  async function stockOf(id: string): Promise<number> {
    const response = await call('GET', `/products/${id}`);
    return (await response.json()).stock;
  }

  it('reserves all items or none, idempotently by reservation id, and releases once', async () => {
    const a = await createProduct({
      name: 'Res A',
      category: 'res',
      price: 10,
      stock: 5,
    });
    const b = await createProduct({
      name: 'Res B',
      category: 'res',
      price: 2.5,
      stock: 1,
    });
    const reservationId = `order-${uniqueSuffix()}`;
    const body = {
      reservationId,
      items: [
        { productId: a.id, quantity: 2 },
        { productId: b.id, quantity: 1 },
      ],
    };

    const first = await call('POST', '/stock-reservations', {
      token: serviceToken,
      body,
    });
    expect(first.status).toBe(201);
    const reservation = await expectContract('POST', first);
    expect(reservation.items).toEqual([
      { productId: a.id, quantity: 2, price: 10 },
      { productId: b.id, quantity: 1, price: 2.5 },
    ]);
    const again = await call('POST', '/stock-reservations', {
      token: serviceToken,
      body,
    });
    expect(again.status).toBe(200);
    expect(await expectContract('POST', again)).toEqual(reservation);
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([3, 0]);

    const short = await call('POST', '/stock-reservations', {
      token: serviceToken,
      body: {
        reservationId: `order-${uniqueSuffix()}`,
        items: [
          { productId: a.id, quantity: 1 },
          { productId: b.id, quantity: 1 },
        ],
      },
    });
    expect(short.status).toBe(409);
    const problem = await expectContract('POST', short);
    expect(problem.errors).toEqual([
      expect.objectContaining({ pointer: '/items/1/quantity' }),
    ]);
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([3, 0]);

    for (let i = 0; i < 2; i++) {
      const released = await call(
        'DELETE',
        `/stock-reservations/${reservationId}`,
        { token: serviceToken },
      );
      expect(released.status).toBe(204);
      await expectContract('DELETE', released);
    }
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([5, 1]);

    const unknown = await call('DELETE', `/stock-reservations/nope-${suffix}`, {
      token: serviceToken,
    });
    expect(unknown.status).toBe(404);
    await expectContract('DELETE', unknown);
    const customer = await call('POST', '/stock-reservations', {
      token: customerToken,
      body,
    });
    expect(customer.status).toBe(403);
  });

  it('gives back what an abandoned reservation had taken, and waits for one still in progress', async () => {
    const a = await createProduct({
      name: 'Half A',
      category: 'res',
      price: 1,
      stock: 4,
    });
    const b = await createProduct({
      name: 'Half B',
      category: 'res',
      price: 1,
      stock: 4,
    });
    // What a process that died after taking the first of two items leaves behind.
    await app.store.takeStock(a.id, 3);
    const reservations = app.db.collection('stock_reservations');
    const pending = (id: string, updatedAt: Date) => ({
      _id: id,
      state: 'pending',
      items: [
        { productId: a.id, quantity: 3 },
        { productId: b.id, quantity: 2 },
      ],
      taken: 1,
      returned: 0,
      createdAt: updatedAt,
      updatedAt,
    });
    await reservations.insertOne(
      pending(`abandoned-${suffix}`, new Date(Date.now() - 120_000)) as never,
    );
    await reservations.insertOne(
      pending(`in-progress-${suffix}`, new Date()) as never,
    );

    const busy = await call(
      'DELETE',
      `/stock-reservations/in-progress-${suffix}`,
      { token: serviceToken },
    );
    expect(busy.status).toBe(409);
    await expectContract('DELETE', busy);

    const released = await call(
      'DELETE',
      `/stock-reservations/abandoned-${suffix}`,
      { token: serviceToken },
    );
    expect(released.status).toBe(204);
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([4, 4]);
  });

  it('never oversells: 20 concurrent reservations for a stock of 5 -> exactly 5 succeed', async () => {
    const product = await createProduct({
      name: 'Last Units',
      category: 'res',
      price: 1,
      stock: 5,
    });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', '/stock-reservations', {
          token: serviceToken,
          body: {
            reservationId: `race-${suffix}-${i}`,
            items: [{ productId: product.id, quantity: 1 }],
          },
        }),
      ),
    );
    const statuses = responses.map(response => response.status).sort();
    expect(statuses.filter(status => status === 201)).toHaveLength(5);
    expect(statuses.filter(status => status === 409)).toHaveLength(15);
    expect(await stockOf(product.id)).toBe(0);
  });

  it('404 for an unknown product, and nothing taken from the others', async () => {
    const product = await createProduct({
      name: 'Known',
      category: 'res',
      price: 1,
      stock: 2,
    });
    const response = await call('POST', '/stock-reservations', {
      token: serviceToken,
      body: {
        reservationId: `unknown-${suffix}`,
        items: [
          { productId: product.id, quantity: 1 },
          { productId: `missing-${suffix}`, quantity: 1 },
        ],
      },
    });
    expect(response.status).toBe(404);
    await expectContract('POST', response);
    expect(await stockOf(product.id)).toBe(2);
  });
});

describe('operations endpoints', () => {
  it('starts again on an existing database (indexes already there) and serves its data', async () => {
    const product = await createProduct({
      name: 'Survives Restarts',
      category: 'ops',
      price: 3,
      stock: 1,
    });
    const second = await createProductService(config);
    const { url } = await second.service.start();
    try {
      const response = await fetch(`${url}/products/${product.id}`);
      expect(response.status).toBe(200);
      expect((await response.json()).name).toBe('Survives Restarts');
    } finally {
      await second.stop();
    }
  });

  it('serves health, readiness and metrics as the contract says', async () => {
    await expectContract('GET', await call('GET', '/healthz'));
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(200);
    await expectContract('GET', ready);
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('http_requests_total');
    expect(text).toMatch(/product_events_published_total\{[^}]*\} [1-9]/);
    expect(text).toMatch(/product_events_pending\{[^}]*\} \d+/);
  });
});
