import { generateKeyPairSync, randomBytes } from 'node:crypto';
import request from 'supertest';
import { loadInfraEnv } from '@platform/local-infra';
import type { Service } from '@platform/service-kit';
import { contractAsserter, testDatabase, type TestDatabase } from '@platform/service-kit/testing';
import { createUserService, loadUserConfig, UserConfig } from '@platform/user-service';
import { loadGatewayConfig, GatewayConfig } from './config';
import { createGateway } from './gateway';
import { loadRouteTable, parseRouteTable } from './routeTable';
import { startEchoUpstream, unusedUrl, Upstream } from './__testUtils__/upstreams';

jest.setTimeout(30_000);

const userApi = contractAsserter('user-api');
const gatewayApi = contractAsserter('api-gateway-api');

describe('api gateway in front of the real user service', () => {
  let db: TestDatabase;
  let users: Service<UserConfig>;
  let gateway: Service<GatewayConfig>;
  let prefix: string;

  beforeAll(async () => {
    const { DATABASE_URL, REDIS_URL } = loadInfraEnv();
    db = await testDatabase(DATABASE_URL, 'users_test');
    users = await createUserService(
      loadUserConfig({
        DATABASE_URL,
        USERS_DATABASE: db.name,
        JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        BCRYPT_COST: '4',
        LOG_LEVEL: 'silent',
        PORT: '0',
      }),
    );
    const { url } = await users.start();
    prefix = `gw_test_${randomBytes(5).toString('hex')}`;
    gateway = createGateway(loadGatewayConfig({ REDIS_URL, RATE_LIMIT_PREFIX: prefix, LOG_LEVEL: 'silent' }), {
      routeTable: loadRouteTable(),
      env: { USER_SERVICE_URL: url },
    });
  });

  afterAll(async () => {
    // the gateway, then the service behind it (its pool), then its database
    await gateway?.stop();
    await users?.stop();
    await db?.drop();
  });

  it('registers, logs in, reads and changes a profile and refreshes tokens, all through the gateway', async () => {
    const email = `shopper-${Date.now()}@example.com`;
    const registered = await request(gateway.app).post('/users').send({ email, password: 'a good long password', name: 'Shopper' });
    userApi.assertResponse('POST', '/users', registered);
    expect(registered.status).toBe(201);
    const path = `/users/${registered.body.id}`;

    const login = await request(gateway.app).post('/auth/login').send({ email, password: 'a good long password' });
    userApi.assertResponse('POST', '/auth/login', login);
    expect(login.status).toBe(200);

    // the gateway verifies the token against the user service's JWKS before forwarding
    const anonymous = await request(gateway.app).get(path);
    userApi.assertResponse('GET', path, anonymous);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.detail).toBe('GET /users needs a bearer access token.');

    const profile = await request(gateway.app).get(path).set('authorization', `Bearer ${login.body.accessToken}`);
    userApi.assertResponse('GET', path, profile);
    expect(profile.status).toBe(200);
    expect(profile.body.email).toBe(email);

    const changed = await request(gateway.app)
      .patch(path)
      .set('authorization', `Bearer ${login.body.accessToken}`)
      .send({ preferences: { favoriteCategories: ['garden'] } });
    userApi.assertResponse('PATCH', path, changed);
    expect(changed.status).toBe(200);

    // the user service's own validation answers through the gateway unchanged
    const invalid = await request(gateway.app).patch(path).set('authorization', `Bearer ${login.body.accessToken}`).send({ colour: 'red' });
    userApi.assertResponse('PATCH', path, invalid);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([{ pointer: '/colour', message: 'is not a known field' }]);

    const refreshed = await request(gateway.app).post('/auth/refresh').send({ refreshToken: login.body.refreshToken });
    userApi.assertResponse('POST', '/auth/refresh', refreshed);
    expect(refreshed.status).toBe(200);
  });
});

describe('api gateway while Redis is down', () => {
  let products: Upstream;
  let gateway: Service<GatewayConfig>;

  beforeAll(async () => {
    products = await startEchoUpstream('product-service');
    const redisUrl = (await unusedUrl()).replace('http:', 'redis:');
    gateway = createGateway(loadGatewayConfig({ REDIS_URL: redisUrl, LOG_LEVEL: 'silent', JWKS_URL: `${products.url}/.well-known/jwks.json` }), {
      routeTable: parseRouteTable(`
upstreams:
  product-service: { urlEnv: PRODUCT_SERVICE_URL, defaultUrl: http://127.0.0.1:3002 }
rateLimitClasses:
  tight:
    perUser: { points: 5, perSeconds: 60 }
    perIp: { points: 2, perSeconds: 60 }
    dailyQuota: { perUser: 100, perIp: 100 }
routes:
  - { prefix: /products, upstream: product-service, auth: { default: public }, timeoutMs: 1000, rateLimit: tight }
`),
      env: { PRODUCT_SERVICE_URL: products.url },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await products?.close();
  });

  it('reports itself not ready, keeps serving, and still limits with per-process counters', async () => {
    const ready = await request(gateway.app).get('/readyz');
    gatewayApi.assertResponse('GET', '/readyz', ready);
    expect(ready.status).toBe(503);
    expect(ready.body.detail).toBe('Not ready: redis.');

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(gateway.app).get('/products')).status);
    expect(statuses).toEqual([200, 200, 429]);
    const metrics = (await request(gateway.app).get('/metrics')).text;
    expect(metrics).toMatch(/gateway_rate_limit_store_errors_total\{service="api-gateway"\} [1-9]/);
  });
});
