import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import request from 'supertest';
import { loadInfraEnv } from '@platform/local-infra';
import type { Service } from '@platform/service-kit';
import { contractAsserter } from '@platform/service-kit/testing';
import { loadGatewayConfig, GatewayConfig } from './config';
import { createGateway } from './gateway';
import { parseRouteTable } from './routeTable';
import { startEchoUpstream, startTokenIssuer, unusedUrl, Upstream } from './__testUtils__/upstreams';

jest.setTimeout(30_000);

const gatewayApi = contractAsserter('api-gateway-api');
const userApi = contractAsserter('user-api');

const ROUTES = `
upstreams:
  user-service: { urlEnv: USER_SERVICE_URL, defaultUrl: http://127.0.0.1:3001 }
  product-service: { urlEnv: PRODUCT_SERVICE_URL, defaultUrl: http://127.0.0.1:3002 }
  search-service: { urlEnv: SEARCH_SERVICE_URL, defaultUrl: http://127.0.0.1:3009 }
  recommendation-service: { urlEnv: RECOMMENDATION_SERVICE_URL, defaultUrl: http://127.0.0.1:3003 }
  ab-testing-service: { urlEnv: AB_TESTING_SERVICE_URL, defaultUrl: http://127.0.0.1:3011 }
rateLimitClasses:
  open:
    perUser: { points: 10000, perSeconds: 60 }
    perIp: { points: 10000, perSeconds: 60 }
    dailyQuota: { perUser: 100000, perIp: 100000 }
  tight:
    perUser: { points: 5, perSeconds: 60 }
    perIp: { points: 3, perSeconds: 60 }
    dailyQuota: { perUser: 1000, perIp: 1000 }
  rationed:
    perUser: { points: 1000, perSeconds: 60 }
    perIp: { points: 1000, perSeconds: 60 }
    dailyQuota: { perUser: 5, perIp: 2 }
routes:
  - { prefix: /users, upstream: user-service, auth: { POST: public, default: protected }, timeoutMs: 2000, rateLimit: open }
  - { prefix: /products, upstream: product-service, auth: { GET: public, default: protected }, timeoutMs: 200, rateLimit: open }
  - { prefix: /search, upstream: search-service, auth: { default: public }, timeoutMs: 2000, rateLimit: open }
  - { prefix: /limited, upstream: product-service, auth: { default: public }, timeoutMs: 2000, rateLimit: tight }
  - { prefix: /rationed, upstream: product-service, auth: { default: public }, timeoutMs: 2000, rateLimit: rationed }
  - prefix: /recommendations
    upstream: recommendation-service
    auth: { default: protected }
    timeoutMs: 1000
    rateLimit: open
    experiment: { key: recommendation-ranking, upstream: ab-testing-service, timeoutMs: 100 }
`;

const SHOP = 'https://shop.example.com';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const TREATED_USER = '0d5f7a7e-5b7c-4c11-8f35-0f0e3f6b1a01';
const BROKEN_USER = '0d5f7a7e-5b7c-4c11-8f35-0f0e3f6b1a02';
const SLOW_USER = '0d5f7a7e-5b7c-4c11-8f35-0f0e3f6b1a03';
const CONTROL_USER = '0d5f7a7e-5b7c-4c11-8f35-0f0e3f6b1a04';

describe('api gateway', () => {
  let users: Awaited<ReturnType<typeof startTokenIssuer>>;
  let products: Upstream;
  let recommendations: Upstream;
  let abTesting: Upstream;
  let decisionAuthorization: string | undefined;
  let gateway: Service<GatewayConfig>;
  let redis: Redis;
  const prefix = `gw_test_${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    const { REDIS_URL } = loadInfraEnv();
    users = await startTokenIssuer();
    products = await startEchoUpstream('product-service');
    recommendations = await startEchoUpstream('recommendation-service');
    abTesting = await startEchoUpstream('ab-testing-service', app => {
      // the A/B testing API's getDecision: one user in treatment, one whose decision fails, the rest in control
      app.get('/experiments/:key/decision', async (req, res) => {
        decisionAuthorization = req.get('authorization');
        if (req.query.userId === BROKEN_USER) {
          res.status(500).json({ title: 'Internal Server Error' });
          return;
        }
        if (req.query.userId === SLOW_USER) await new Promise(r => setTimeout(r, 400));
        if (res.destroyed) return;
        res.json({
          experimentKey: req.params.key,
          userId: req.query.userId,
          variant: [TREATED_USER, SLOW_USER].includes(String(req.query.userId)) ? 'treatment' : 'control',
          config: {},
          active: true,
          source: 'hash',
        });
      });
    });
    const config = loadGatewayConfig({
      REDIS_URL,
      RATE_LIMIT_PREFIX: prefix,
      CORS_ORIGINS: `${SHOP},http://localhost:3000`,
      MAX_BODY_BYTES: '1024',
      LOG_LEVEL: 'silent',
      PORT: '0',
    });
    gateway = createGateway(config, {
      routeTable: parseRouteTable(ROUTES),
      env: {
        USER_SERVICE_URL: users.url,
        PRODUCT_SERVICE_URL: products.url,
        SEARCH_SERVICE_URL: await unusedUrl(),
        RECOMMENDATION_SERVICE_URL: recommendations.url,
        AB_TESTING_SERVICE_URL: abTesting.url,
      },
    });
    redis = new Redis(REDIS_URL);
    // the limits are counted in Redis once the gateway's connection is up
    for (let i = 0; (await request(gateway.app).get('/readyz')).status !== 200; i++) {
      if (i > 50) throw new Error('gateway never became ready');
      await new Promise(r => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    // the gateway first (its Redis connection and upstream calls), then the test's own Redis client, then the upstreams
    await gateway?.stop();
    if (redis) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
    await users?.close();
    await products?.close();
    await recommendations?.close();
    await abTesting?.close();
  });

  const lastSeen = (upstream: Upstream) => upstream.seen[upstream.seen.length - 1];

  it('forwards a public route without a token, path and query unchanged, with the request id and client address', async () => {
    const res = await request(gateway.app).get('/products?category=books&limit=5').set('x-request-id', 'trace-123');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ upstream: 'product-service', path: '/products?category=books&limit=5', bodyBytes: 0 });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['ratelimit-limit']).toBe('10000');
    const seen = lastSeen(products);
    expect(seen.headers['x-request-id']).toBe('trace-123');
    expect(seen.headers['x-forwarded-for']).toMatch(/127\.0\.0\.1/);
    expect(seen.headers.authorization).toBeUndefined();

    // without an incoming id the gateway makes one, and the upstream gets the same
    const minted = await request(gateway.app).get('/products/42');
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lastSeen(products).headers['x-request-id']).toBe(minted.headers['x-request-id']);
  });

  it('refuses a protected route without a token, with a malformed, expired or forged one, and forwards a valid one', async () => {
    const id = '5f0c6a43-64a4-4a5b-9f57-3c1f1bb6a111';
    const before = users.seen.length;
    const cases = [
      { label: 'no token', headers: {} },
      { label: 'not bearer', headers: { authorization: 'Basic dXNlcjpwdw==' } },
      { label: 'garbage', headers: bearer('not.a.jwt') },
      { label: 'expired', headers: bearer(await users.expired.sign({ sub: id, roles: ['customer'] })) },
      { label: 'forged', headers: bearer(await users.stranger.sign({ sub: id, roles: ['admin'] })) },
    ];
    for (const c of cases) {
      const res = await request(gateway.app).get(`/users/${id}`).set(c.headers);
      expect({ label: c.label, status: res.status }).toEqual({ label: c.label, status: 401 });
      expect(res.headers['www-authenticate']).toBe('Bearer');
      userApi.assertResponse('GET', `/users/${id}`, res);
      gatewayApi.assertComponentResponse('Unauthorized', res);
    }
    expect(users.seen.length).toBe(before);

    const token = await users.tokens.sign({ sub: id, roles: ['customer'] });
    const ok = await request(gateway.app).get(`/users/${id}`).set(bearer(token));
    expect(ok.status).toBe(200);
    expect(lastSeen(users).headers.authorization).toBe(`Bearer ${token}`);

    // a public method of the same prefix needs no token, but a bad one is still refused
    expect((await request(gateway.app).post('/users').send({ email: 'a@example.com' })).status).toBe(201);
    const badOnPublic = await request(gateway.app).post('/users').set(bearer('not.a.jwt')).send({});
    expect(badOnPublic.status).toBe(401);
    gatewayApi.assertComponentResponse('Unauthorized', badOnPublic);
  });

  it('streams request bodies to the upstream and refuses bodies over the limit, declared or chunked', async () => {
    const token = await users.tokens.sign({ sub: 'a-user', roles: ['customer'] });
    const anonymous = await request(gateway.app).post('/products').send({ name: 'lamp' });
    expect(anonymous.status).toBe(401);

    const json = JSON.stringify({ name: 'lamp', description: 'x'.repeat(600) });
    const ok = await request(gateway.app).post('/products').set(bearer(token)).set('content-type', 'application/json').send(json);
    expect(ok.status).toBe(201);
    expect(ok.body.bodyBytes).toBe(Buffer.byteLength(json));

    const declared = await request(gateway.app).post('/products').set(bearer(token)).set('content-type', 'application/json').send('x'.repeat(2000));
    expect(declared.status).toBe(413);
    gatewayApi.assertComponentResponse('PayloadTooLarge', declared);

    const seenBefore = products.seen.length;
    const chunked = await fetch(`${(await gateway.start()).url}/products`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: Readable.toWeb(Readable.from(Array.from({ length: 8 }, () => Buffer.alloc(400, 'y')))) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    gatewayApi.assertComponentResponse('PayloadTooLarge', {
      status: chunked.status,
      headers: { 'content-type': chunked.headers.get('content-type') ?? undefined },
      body: await chunked.json(),
    });
    // the upstream may have seen the start of the stream, never a complete request
    expect(products.seen.slice(seenBefore).every(s => s.bodyBytes < 3200)).toBe(true);
  });

  it('answers 429 with Retry-After over the per-IP rate, and counts a signed-in user separately', async () => {
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await request(gateway.app).get('/limited/things');
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused!.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused!.body.detail).toBe('This address sent more than 3 requests in 60 s to /limited.');
    gatewayApi.assertComponentResponse('TooManyRequests', refused!);

    const token = await users.tokens.sign({ sub: 'frequent-buyer', roles: ['customer'] });
    const signedIn = await request(gateway.app).get('/limited/things').set(bearer(token));
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers['ratelimit-remaining']).toBe('4');

    const metrics = await request(gateway.app).get('/metrics');
    expect(metrics.text).toContain('gateway_rate_limited_total{class="tight",reason="rate",scope="ip",service="api-gateway"} 1');
  });

  it('enforces the daily quota, with Retry-After until midnight UTC', async () => {
    expect((await request(gateway.app).get('/rationed/a')).status).toBe(200);
    expect((await request(gateway.app).get('/rationed/b')).status).toBe(200);
    const refused = await request(gateway.app).get('/rationed/c');
    expect(refused.status).toBe(429);
    gatewayApi.assertComponentResponse('TooManyRequests', refused);
    expect(refused.body.detail).toBe('This address used its daily quota of 2 requests to /rationed.');
    const now = new Date();
    const toMidnight = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
    expect(Math.abs(Number(refused.headers['retry-after']) - toMidnight)).toBeLessThan(5);
    const quotaKeys = await redis.keys(`${prefix}:rationed:ip:quota*${now.toISOString().slice(0, 10)}*`);
    expect(quotaKeys).toHaveLength(1);
  });

  it("forwards the caller's experiment variant to recommendations, and control when the A/B service fails", async () => {
    const variantFor = async (user: string, headers: Record<string, string> = {}) => {
      const token = await users.tokens.sign({ sub: user, roles: ['customer'] });
      const res = await request(gateway.app).get(`/recommendations?userId=${user}&topK=5`).set({ ...bearer(token), ...headers });
      expect(res.status).toBe(200);
      return lastSeen(recommendations).headers['x-exp-variant'];
    };
    expect(await variantFor(TREATED_USER)).toBe('treatment');
    expect(await variantFor(CONTROL_USER)).toBe('control');
    expect(decisionAuthorization).toMatch(/^Bearer /);
    // a variant the client chose (e.g. a QA override) is kept
    expect(await variantFor(CONTROL_USER, { 'x-exp-variant': 'treatment' })).toBe('treatment');
    expect(await variantFor(BROKEN_USER)).toBe('control');
    // the slow decision would be treatment, but it takes longer than the 100 ms budget
    expect(await variantFor(SLOW_USER)).toBe('control');
    const metrics = (await request(gateway.app).get('/metrics')).text;
    expect(metrics).toContain('gateway_experiment_fallbacks_total{experiment="recommendation-ranking",service="api-gateway"} 2');
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = await request(gateway.app)
      .options('/products')
      .set('origin', SHOP)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization,content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SHOP);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');

    const stranger = await request(gateway.app).options('/products').set('origin', 'https://evil.example').set('access-control-request-method', 'POST');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();

    const simple = await request(gateway.app).get('/products').set('origin', SHOP);
    expect(simple.headers['access-control-allow-origin']).toBe(SHOP);
    expect(simple.headers['access-control-expose-headers']).toContain('Retry-After');
  });

  it('answers 504 naming the upstream when it is slower than the route timeout', async () => {
    // the upstream answers after 500 ms: a 504 means the gateway gave up first
    const res = await request(gateway.app).get('/products/slow');
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ title: 'Gateway Timeout', detail: 'product-service did not answer GET within 200 ms.', upstream: 'product-service' });
    gatewayApi.assertComponentResponse('GatewayTimeout', res);
  });

  it('answers 503 naming an upstream that cannot be reached', async () => {
    const res = await request(gateway.app).get('/search?q=lamp');
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/^search-service is unavailable: ECONNREFUSED/);
    expect(res.headers['retry-after']).toBe('1');
    gatewayApi.assertComponentResponse('ServiceUnavailable', res);
  });

  it('answers 404 for paths it does not route, and serves its own probes and metrics by the contract', async () => {
    const unknown = await request(gateway.app).get('/admin/secrets');
    expect(unknown.status).toBe(404);
    gatewayApi.assertComponentResponse('NotFound', unknown);
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const res = await request(gateway.app).get(path);
      expect(res.status).toBe(200);
      gatewayApi.assertResponse('GET', path, { ...res, body: path === '/metrics' ? res.text : res.body });
    }
    const metrics = (await request(gateway.app).get('/metrics')).text;
    expect(metrics).toMatch(/http_requests_total\{route="\/products\{\/\*rest\}",method="GET",status="504",service="api-gateway"\} 1/);
  });
});

describe('api gateway without its key source', () => {
  it('answers 503, not 401, when the JWKS cannot be fetched', async () => {
    const { REDIS_URL } = loadInfraEnv();
    const users = await startTokenIssuer();
    const gateway = createGateway(
      loadGatewayConfig({ REDIS_URL, RATE_LIMIT_PREFIX: `gw_test_${randomBytes(5).toString('hex')}`, JWKS_URL: `${await unusedUrl()}/.well-known/jwks.json`, LOG_LEVEL: 'silent' }),
      { routeTable: parseRouteTable(ROUTES), env: { USER_SERVICE_URL: users.url } },
    );
    try {
      const token = await users.tokens.sign({ sub: 'someone', roles: ['customer'] });
      const res = await request(gateway.app).get('/users/5f0c6a43-64a4-4a5b-9f57-3c1f1bb6a111').set(bearer(token));
      expect(res.status).toBe(503);
      expect(res.body.detail).toMatch(/keys to verify access tokens could not be fetched/);
      gatewayApi.assertComponentResponse('ServiceUnavailable', res);
    } finally {
      await gateway.stop();
      await users.close();
    }
  });
});

