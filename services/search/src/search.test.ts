import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { Partitioners, type Producer } from 'kafkajs';
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
} from '@platform/product-service/src/__testUtils__/testSupport';
import { MongoClient } from 'mongodb';
import { createJwtIssuer } from '@platform/service-kit';
import {
  createProductService,
  loadProductConfig,
} from '@platform/product-service';
import { testDatabase, type TestDatabase } from '@platform/service-kit/testing';
import { createSearchService, loadSearchConfig } from './app';

jest.setTimeout(90_000);

const suffix = uniqueSuffix();
const topic = `products.test-${suffix}`;
const dlqTopic = `${topic}.dlq`;
const kafka = testKafka('search-service-test');
const expectContract = contractValidator('search-api');
const expectDeadLetter = eventValidator('DeadLetter');

let app: Awaited<ReturnType<typeof createSearchService>>;
let baseUrl: string;
let producer: Producer;
let db: TestDatabase;
let pool: Pool;

interface ProductSpec {
  id?: string;
  name: string;
  category: string;
  price: number;
  tags?: string[];
}

/** Publishes a ProductChangeEvent exactly as product-service does (value + version header). */
async function publish(
  type: 'created' | 'updated' | 'deleted',
  spec: ProductSpec & { id: string },
  version: number,
) {
  const product = {
    id: spec.id,
    name: spec.name,
    category: spec.category,
    price: spec.price,
    currency: 'USD',
    tags: spec.tags ?? [],
    attributes: {},
    stock: 5,
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toISOString(),
  };
  await producer.send({
    topic,
    messages: [
      {
        key: spec.id,
        value: JSON.stringify({
          eventId: randomUUID(),
          type,
          product,
          occurredAt: product.updatedAt,
        }),
        headers: { 'product-version': String(version) },
      },
    ],
  });
}

async function search(query: string) {
  const response = await fetch(`${baseUrl}/search?${query}`);
  expect(response.status).toBe(200);
  return expectContract('GET', response);
}

async function indexedVersion(id: string): Promise<number | undefined> {
  const { rows } = await pool.query(
    'SELECT version FROM search_products WHERE id = $1',
    [id],
  );
  return rows[0] ? Number(rows[0].version) : undefined;
}

const catalogue: (ProductSpec & { id: string })[] = [
  {
    name: 'Waterproof Hiking Boots',
    category: `outdoor-${suffix}`,
    price: 120,
    tags: ['hiking', 'waterproof'],
  },
  {
    name: 'Trail Running Shoes',
    category: `outdoor-${suffix}`,
    price: 95,
    tags: ['running', 'hiking'],
  },
  {
    name: 'Leather Boots',
    category: `fashion-${suffix}`,
    price: 180,
    tags: ['leather'],
  },
  {
    name: 'Wool Hiking Socks',
    category: `outdoor-${suffix}`,
    price: 12,
    tags: ['wool'],
  },
  {
    name: 'Rain Jacket',
    category: `outdoor-${suffix}`,
    price: 60,
    tags: ['waterproof', 'boots-friendly'],
  },
  {
    name: 'Silk Scarf',
    category: `fashion-${suffix}`,
    price: 45,
    tags: ['silk'],
  },
].map((spec, index) => ({ ...spec, id: `s${suffix}-${index}` }));

beforeAll(async () => {
  const env = infraEnv();
  await createTopics(kafka, [topic, dlqTopic]);
  db = await testDatabase(env.DATABASE_URL, 'search_test');
  producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  app = await createSearchService(
    loadSearchConfig({
      ...env,
      PORT: '0',
      LOG_LEVEL: 'error',
      SEARCH_DATABASE: db.name,
      PRODUCTS_TOPIC: topic,
      SEARCH_CONSUMER_GROUP: `search-test-${suffix}`,
    }),
  );
  baseUrl = (await app.start()).url;
  pool = db.pool({ max: 2 });
  for (const spec of catalogue) await publish('created', spec, 1);
  await eventually(
    async () => {
      const { rows } = await pool.query(
        'SELECT count(*)::int AS n FROM search_products',
      );
      return rows[0].n >= catalogue.length ? true : undefined;
    },
    30_000,
    'the catalogue to be indexed',
  );
});

afterAll(async () => {
  // writers and readers first: the producer, the service (its consumer and pool), then the database and topics
  await producer?.disconnect();
  await app?.stop();
  await db?.drop();
  await deleteTopics(kafka, [topic, dlqTopic]);
});

describe('GET /search', () => {
  it('ranks name matches above tag matches above category matches', async () => {
    const result = await search('q=boots');
    const names = result.items.map((hit: { name: string }) => hit.name);
    expect(names.slice(0, 2).sort()).toEqual([
      'Leather Boots',
      'Waterproof Hiking Boots',
    ]);
    expect(names[2]).toBe('Rain Jacket'); // only its tag mentions boots
    expect(result.total).toBe(3);
    expect(result.items[0].score).toBeGreaterThan(result.items[2].score);
  });

  it('stems words and understands web search syntax', async () => {
    expect((await search('q=hike')).total).toBe(3);
    const excluded = await search(`q=${encodeURIComponent('hiking -socks')}`);
    expect(
      excluded.items.map((hit: { name: string }) => hit.name),
    ).not.toContain('Wool Hiking Socks');
    const phrase = await search(`q=${encodeURIComponent('"running shoes"')}`);
    expect(phrase.items.map((hit: { name: string }) => hit.name)).toEqual([
      'Trail Running Shoes',
    ]);
  });

  it('filters by category and price, with category facets and price buckets that ignore their own filter', async () => {
    const result = await search(
      `q=hiking&category=outdoor-${suffix}&minPrice=50&maxPrice=150`,
    );
    expect(
      result.items.map((hit: { name: string }) => hit.name).sort(),
    ).toEqual(['Trail Running Shoes', 'Waterproof Hiking Boots']);
    expect(result.facets.categories).toEqual([
      { value: `outdoor-${suffix}`, count: 2 },
    ]);
    const bucket = (from: number) =>
      result.facets.priceBuckets.find((b: { from: number }) => b.from === from)
        .count;
    expect(bucket(10)).toBe(1); // the socks, outside the price filter, still counted
    expect(bucket(50)).toBe(1);
    expect(bucket(100)).toBe(1);
    expect(result.facets.priceBuckets.at(-1)).toEqual({
      from: 1000,
      to: null,
      count: 0,
    });

    const all = await search(`minPrice=0&category=fashion-${suffix}`);
    expect(all.total).toBe(2);
    expect(all.facets.categories).toEqual(
      expect.arrayContaining([
        { value: `outdoor-${suffix}`, count: 4 },
        { value: `fashion-${suffix}`, count: 2 },
      ]),
    );
  });

  it('paginates with limit and offset; total counts every match', async () => {
    const first = await search(`category=outdoor-${suffix}&limit=3&offset=0`);
    const second = await search(`category=outdoor-${suffix}&limit=3&offset=3`);
    expect(first.total).toBe(4);
    expect(first.items).toHaveLength(3);
    expect(second.items).toHaveLength(1);
    expect(second.total).toBe(4);
    const beyond = await search(`category=outdoor-${suffix}&limit=3&offset=30`);
    expect(beyond).toMatchObject({ total: 4, items: [] });
  });

  it.each([
    ['limit=0'],
    ['limit=101'],
    ['offset=-1'],
    ['minPrice=cheap'],
    [`q=${'x'.repeat(201)}`],
  ])('refuses %s with a 400 problem', async query => {
    const response = await fetch(`${baseUrl}/search?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(
      /^application\/problem\+json/,
    );
    await expectContract('GET', response);
  });

  it('refuses an inverted price range, which its schemas allow, with the documented 422 problem', async () => {
    const response = await fetch(`${baseUrl}/search?minPrice=10&maxPrice=5`);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await expectContract('GET', response);
    expect(body).toMatchObject({ errors: [{ parameter: 'maxPrice', message: 'must not be below minPrice' }] });
  });

  it('serves health, readiness and metrics', async () => {
    await expectContract('GET', await fetch(`${baseUrl}/healthz`));
    await expectContract('GET', await fetch(`${baseUrl}/readyz`));
    expect(await (await fetch(`${baseUrl}/metrics`)).text()).toContain(
      'http_request_duration_seconds',
    );
  });
});

describe('sync from product events', () => {
  it('applies updates and deletes, ignoring replays and older versions', async () => {
    const id = `sync-${suffix}`;
    await publish(
      'created',
      { id, name: 'Copper Kettle', category: 'kitchen', price: 30 },
      1,
    );
    await eventually(async () =>
      (await indexedVersion(id)) === 1 ? true : undefined,
    );
    await publish(
      'updated',
      { id, name: 'Copper Tea Kettle', category: 'kitchen', price: 35 },
      3,
    );
    // Out of order: version 2 arrives after version 3, and version 1 is replayed.
    await publish(
      'updated',
      { id, name: 'Stale Kettle', category: 'kitchen', price: 1 },
      2,
    );
    await publish(
      'created',
      { id, name: 'Copper Kettle', category: 'kitchen', price: 30 },
      1,
    );
    const marker = `marker-${suffix}`;
    await publish(
      'created',
      { id: marker, name: 'Marker', category: 'kitchen', price: 1 },
      1,
    );
    await eventually(async () =>
      (await indexedVersion(marker)) === 1 ? true : undefined,
    );
    const hit = (await search('q=kettle&category=kitchen')).items;
    expect(hit).toEqual([
      expect.objectContaining({ id, name: 'Copper Tea Kettle', price: 35 }),
    ]);
    expect((await search('q=stale')).total).toBe(0);

    await publish(
      'deleted',
      { id, name: 'Copper Tea Kettle', category: 'kitchen', price: 35 },
      4,
    );
    await eventually(async () =>
      (await search('q=kettle&category=kitchen')).total === 0
        ? true
        : undefined,
    );
    // An older upsert after the delete does not bring it back.
    await publish(
      'updated',
      { id, name: 'Copper Tea Kettle', category: 'kitchen', price: 35 },
      3,
    );
    await publish(
      'updated',
      { id: marker, name: 'Marker', category: 'kitchen', price: 2 },
      2,
    );
    await eventually(async () =>
      (await indexedVersion(marker)) === 2 ? true : undefined,
    );
    expect((await search('q=kettle&category=kitchen')).total).toBe(0);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /search_sync_records_total\{result="stale"[^}]*\} [1-9]/,
    );
  });

  it('sends poison messages to the dead-letter topic and keeps consuming', async () => {
    const dlq = await collectTopic(kafka, dlqTopic);
    try {
      await producer.send({
        topic,
        messages: [
          { key: 'bad-json', value: '{"eventId": ' },
          {
            key: 'bad-shape',
            value: JSON.stringify({
              eventId: randomUUID(),
              type: 'created',
              product: { id: 'x' },
            }),
          },
        ],
      });
      const after = `after-poison-${suffix}`;
      await publish(
        'created',
        { id: after, name: 'Survivor Lamp', category: 'home', price: 10 },
        1,
      );
      const letters = await eventually(
        () => (dlq.records.length >= 2 ? dlq.records : undefined),
        30_000,
        'two dead letters',
      );
      const values = letters.map(record => JSON.parse(record.value));
      values.forEach(value =>
        expectDeadLetter({ ...value, sourceTopic: 'products' }),
      );
      expect(values.map(value => value.key).sort()).toEqual([
        'bad-json',
        'bad-shape',
      ]);
      expect(
        values.every(
          value =>
            value.error.kind === 'invalid-payload' &&
            value.sourceTopic === topic,
        ),
      ).toBe(true);
      expect(values.find(value => value.key === 'bad-json').payload).toBe(
        '{"eventId": ',
      );
      await eventually(
        async () => ((await indexedVersion(after)) === 1 ? true : undefined),
        20_000,
        'the next event to be indexed',
      );
    } finally {
      await dlq.stop();
    }
  });
});

describe('end to end with product-service', () => {
  const productDatabase = `product_test_${suffix}`;
  let product: Awaited<ReturnType<typeof createProductService>>;
  let productUrl: string;
  let adminToken: string;

  beforeAll(async () => {
    const keys = testKeyPair();
    product = await createProductService(
      loadProductConfig({
        ...infraEnv(),
        PORT: '0',
        LOG_LEVEL: 'error',
        MONGODB_DATABASE: productDatabase,
        PRODUCTS_TOPIC: topic,
        OUTBOX_POLL_MS: '100',
        JWT_PUBLIC_KEY: keys.publicKeyPem,
      }),
    );
    productUrl = (await product.start()).url;
    const issuer = await createJwtIssuer({
      privateKeyPem: keys.privateKeyPem,
      issuer: 'user-service',
      audience: 'platform',
      ttlSeconds: 600,
    });
    adminToken = await issuer.sign({ sub: randomUUID(), roles: ['admin'] });
  });

  afterAll(async () => {
    await product?.stop();
    const mongo = new MongoClient(infraEnv().MONGODB_URI);
    await mongo.connect();
    await mongo.db(productDatabase).dropDatabase();
    await mongo.close();
  });

  async function admin(method: string, path: string, body?: unknown) {
    const response = await fetch(`${productUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.ok).toBe(true);
    return response.status === 204 ? undefined : response.json();
  }

  const hitsFor = async (q: string) =>
    (await search(`q=${encodeURIComponent(q)}&category=e2e-${suffix}`)).items;

  it('finds a product created, renamed and deleted through the product API', async () => {
    const created = await admin('POST', '/products', {
      name: 'Titanium Camping Spork',
      category: `e2e-${suffix}`,
      price: 14.5,
      stock: 3,
      tags: ['camping'],
    });
    const found = await eventually(
      async () => {
        const hits = await hitsFor('spork');
        return hits.length ? hits : undefined;
      },
      30_000,
      'the new product in search',
    );
    expect(found).toEqual([
      expect.objectContaining({
        id: created.id,
        name: 'Titanium Camping Spork',
        price: 14.5,
        tags: ['camping'],
      }),
    ]);

    await admin('PATCH', `/products/${created.id}`, {
      name: 'Titanium Camping Spoon',
    });
    await eventually(
      async () => ((await hitsFor('spoon')).length === 1 ? true : undefined),
      30_000,
      'the rename',
    );
    expect(await hitsFor('spork')).toEqual([]);

    await admin('DELETE', `/products/${created.id}`);
    await eventually(
      async () => ((await hitsFor('spoon')).length === 0 ? true : undefined),
      30_000,
      'the deletion',
    );
  });
});
