import request from 'supertest';
import { contractAsserter } from '@platform/service-kit/testing';
import { createCostMonitoringService } from '../app';
import { loadCostConfig } from '../config';
import { createTestDatabase } from '../__testUtils__/testDatabase';
import { createTestTokens } from '../__testUtils__/tokens';

const contract = contractAsserter('cost-api');
const ALERT_ID = '00000000-0000-4000-8000-000000000000';

/** Every operation the contract secures (all but the probes), as the contract names them. */
const SECURED: Array<[method: 'get' | 'post', path: string]> = [
  ['get', '/costs'],
  ['get', '/costs/daily'],
  ['get', '/costs/movers'],
  ['get', '/costs/summary'],
  ['get', '/costs/unit'],
  ['get', '/alerts'],
  ['get', '/imports'],
  ['post', `/alerts/${ALERT_ID}/acknowledge`],
  ['post', `/alerts/${ALERT_ID}/snooze`],
  ['post', `/alerts/${ALERT_ID}/reopen`],
  ['post', '/imports'],
];

describe('cost API authentication', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let tokens: Awaited<ReturnType<typeof createTestTokens>>;
  const started: Array<Awaited<ReturnType<typeof createCostMonitoringService>>> = [];

  const start = async (env: Record<string, string>) => {
    const app = await createCostMonitoringService(
      loadCostConfig({ ...process.env, COST_DATABASE: db.name, COST_DATASET_END_DATE: '2026-11-23', PORT: '0', LOG_LEVEL: 'silent', ...env }),
    );
    started.push(app);
    return app;
  };

  beforeAll(async () => {
    tokens = await createTestTokens();
    db = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of started) await app.stop();
    await db?.drop();
  });

  it('answers 401 without a token on every secured operation, also with only the default verifier settings', async () => {
    // the environment ./idp start gives it: no JWT_PUBLIC_KEY, keys from the user service's JWKS
    const { JWT_PUBLIC_KEY: _unset, ...env } = process.env;
    const app = await createCostMonitoringService(
      loadCostConfig({ ...env, COST_DATABASE: db.name, COST_DATASET_END_DATE: '2026-11-23', PORT: '0', LOG_LEVEL: 'silent' }),
    );
    started.push(app);
    const http = request(app.service.app);
    for (const [method, path] of SECURED) {
      const response = await http[method](path);
      contract.assertResponse(method.toUpperCase(), path, response);
      expect({ operation: `${method} ${path}`, status: response.status }).toEqual({ operation: `${method} ${path}`, status: 401 });
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    const probe = await http.get('/healthz');
    expect(probe.status).toBe(200);
  });

  it('needs a token to read, admin or service to manage alerts, and admin to import', async () => {
    const app = await start({ JWT_PUBLIC_KEY: tokens.publicKeyPem });
    await app.importEmbedded();
    await app.monitor.evaluateAlerts();
    const http = request(app.service.app);
    const reader = await tokens.bearer('user-1', ['customer']);
    const admin = await tokens.bearer('ops-1', ['admin']);
    const portal = await tokens.bearer('portal', ['service']);

    await http.get('/costs/summary').set('authorization', 'Bearer not-a-token').expect(401);
    const open = await http.get('/alerts').query({ status: 'open' }).set('authorization', reader).expect(200);
    const [first, second] = open.body.items;
    const refused = await http.post(`/alerts/${first.id}/acknowledge`).set('authorization', reader).expect(403);
    contract.assertResponse('POST', `/alerts/${first.id}/acknowledge`, refused);

    const byAdmin = await http.post(`/alerts/${first.id}/acknowledge`).set('authorization', admin).expect(200);
    // Without a named person the token's subject is recorded.
    expect(byAdmin.body.acknowledgedBy).toBe('ops-1');
    const byPortal = await http
      .post(`/alerts/${second.id}/acknowledge`)
      .set('authorization', portal)
      .send({ by: 'user:default/ada' })
      .expect(200);
    expect(byPortal.body.acknowledgedBy).toBe('user:default/ada');
    await http.post(`/alerts/${second.id}/reopen`).set('authorization', portal).expect(200);

    const importByService = await http.post('/imports').set('authorization', portal).set('content-type', 'text/csv').send('BilledCost\n');
    expect(importByService.status).toBe(403);
    const importsBefore = await http.get('/imports').set('authorization', reader).expect(200);
    expect(importsBefore.body.items.every((item: { source: string }) => item.source !== 'focus-upload')).toBe(true);
  });
});
