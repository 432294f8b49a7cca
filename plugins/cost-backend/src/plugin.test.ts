import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createCostMonitoringService, loadCostConfig } from '@platform/cost-monitoring-service';
import { createTestDatabase } from '@platform/cost-monitoring-service/src/__testUtils__/testDatabase';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { createJwtIssuer } from '@platform/service-kit';
import { costPlugin } from './plugin';

const endDay = '2026-11-23';

/** The platform's signing key as the portal and the services share it (SERVICE_JWT_PRIVATE_KEY / JWT_PUBLIC_KEY). */
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The real cost monitoring service on its own database, with the embedded dataset, verifying tokens of that key. */
async function startCostService() {
  const db = await createTestDatabase('cost_plugin_test');
  const app = await createCostMonitoringService(
    loadCostConfig({
      ...process.env,
      COST_DATABASE: db.name,
      COST_DATASET_END_DATE: endDay,
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      PORT: '0',
      LOG_LEVEL: 'silent',
    }),
  );
  const { url } = await app.start();
  const operator = await createJwtIssuer({ privateKeyPem, issuer: 'user-service', audience: 'platform', ttlSeconds: 600 });
  const adminToken = await operator.sign({ sub: 'ops-1', roles: ['admin'] });
  return {
    url,
    /** the cost service called directly, as an operator */
    direct: () => request.agent(url).set('authorization', `Bearer ${adminToken}`),
    async stop() {
      await app.stop();
      await db.drop();
    },
  };
}

async function startPortal(baseUrl: string, permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW) {
  const { server } = await startTestBackend({
    features: [
      costPlugin,
      mockServices.rootConfig.factory({
        data: { costMonitoring: { baseUrl, cacheTtlSeconds: 300, serviceToken: { privateKey: privateKeyPem } } },
      }),
      mockServices.permissions.factory({ result: permission }),
      // Without this the mock treats a request without a token as the default user.
      mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
    ],
  });
  return server;
}

const asUser = mockCredentials.user.header('user:default/ada');

describe('cost backend plugin against the cost monitoring service', () => {
  let cost: Awaited<ReturnType<typeof startCostService>>;

  beforeAll(async () => {
    cost = await startCostService();
  });

  afterAll(async () => {
    await cost?.stop();
  });

  it('passes cost reads through and serves repeats from the cache', async () => {
    const server = await startPortal(cost.url);
    const query = { from: '2026-12-01', to: '2026-12-01', groupBy: 'service' };
    const first = await request(server).get('/api/cost/costs').query(query).set('authorization', asUser).expect(200);
    expect(first.body).toEqual({ ...query, currency: 'USD', total: 0, groups: [] });

    const csv = [
      'BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,ServiceName,ServiceCategory,SubAccountId,Tags',
      '4,4,USD,2026-12-01T00:00:00Z,2026-12-02T00:00:00Z,Usage,AWS,AWS Lambda,Compute,1,"{""cost-allocation"":""user-service""}"',
    ].join('\n');
    await cost.direct().post('/imports').set('content-type', 'text/csv').send(csv).expect(201);

    const cached = await request(server).get('/api/cost/costs').query(query).set('authorization', asUser).expect(200);
    expect(cached.body.total).toBe(0);
    const fresh = await request(server).get('/api/cost/costs').query({ ...query, groupBy: 'cloud' }).set('authorization', asUser).expect(200);
    expect(fresh.body.total).toBe(4);
  });

  it('passes the service problem for an unknown service through as its 422 problem', async () => {
    const server = await startPortal(cost.url);
    const response = await request(server)
      .get('/api/cost/costs/daily')
      .query({ from: '2026-11-01', to: '2026-11-02', service: 'payments-service' })
      .set('authorization', asUser)
      .expect(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([{ parameter: 'service', message: 'unknown service payments-service' }]);
  });

  it('needs a signed-in caller', async () => {
    const server = await startPortal(cost.url);
    const response = await request(server).get('/api/cost/summary').expect(401);
    expect(response.body.error?.name ?? response.body.title).toMatch(/Authentication|Unauthorized/);
  });

  it('refuses to acknowledge without the manage permission, and leaves the alert open', async () => {
    const server = await startPortal(cost.url, AuthorizeResult.DENY);
    const { body } = await cost.direct().get('/alerts').query({ status: 'open' }).expect(200);
    const alert = body.items[0];
    const response = await request(server).post(`/api/cost/alerts/${alert.id}/acknowledge`).set('authorization', asUser).expect(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    await request(server).get('/api/cost/summary').set('authorization', asUser).expect(403);
    const still = await cost.direct().get('/alerts').query({ status: 'open' }).expect(200);
    expect(still.body.items.map((a: { id: string }) => a.id)).toContain(alert.id);
  });

  it('acknowledges for the signed-in user and the open list (never cached) no longer has the alert', async () => {
    const server = await startPortal(cost.url);
    const open = await request(server).get('/api/cost/alerts').query({ status: 'open' }).set('authorization', asUser).expect(200);
    const alert = open.body.items[0];
    const acknowledged = await request(server).post(`/api/cost/alerts/${alert.id}/acknowledge`).set('authorization', asUser).expect(200);
    expect(acknowledged.body).toMatchObject({ id: alert.id, status: 'acknowledged', acknowledgedBy: 'user:default/ada' });
    const after = await request(server).get('/api/cost/alerts').query({ status: 'open' }).set('authorization', asUser).expect(200);
    expect(after.body.items.map((a: { id: string }) => a.id)).not.toContain(alert.id);

    const reopened = await request(server).post(`/api/cost/alerts/${alert.id}/reopen`).set('authorization', asUser).expect(200);
    expect(reopened.body).toMatchObject({ id: alert.id, status: 'open', acknowledgedBy: null });
  });

  it('reports an unreachable cost service as a 502 problem', async () => {
    const server = await startPortal('http://127.0.0.1:9');
    const response = await request(server).get('/api/cost/summary').set('authorization', asUser).expect(502);
    expect(response.body).toMatchObject({ status: 502, title: 'Bad Gateway' });
    expect(response.body.detail).toMatch(/cost monitoring service unreachable at http:\/\/127.0.0.1:9/);
  });
});
