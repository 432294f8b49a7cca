import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { createJwtIssuer } from '@platform/service-kit';
import { createCostMonitoringService } from '../app';
import { loadCostConfig } from '../config';
import { createTestDatabase } from '../__testUtils__/testDatabase';

describe('cost API with JWT verification', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: Awaited<ReturnType<typeof createCostMonitoringService>>;
  let tokens: Awaited<ReturnType<typeof createJwtIssuer>>;

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    tokens = await createJwtIssuer({ privateKeyPem, issuer: 'user-service', audience: 'platform', ttlSeconds: 60 });
    db = await createTestDatabase();
    app = await createCostMonitoringService(
      loadCostConfig({
        ...process.env,
        COST_DATABASE: db.name,
        COST_DATASET_END_DATE: '2026-11-23',
        JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    );
    await app.importEmbedded();
    await app.monitor.evaluateAlerts();
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('needs a token to read, and the admin role to acknowledge', async () => {
    const http = request(app.service.app);
    await http.get('/costs/summary').expect(401);
    const reader = await tokens.sign({ sub: 'user-1', roles: ['user'] });
    const admin = await tokens.sign({ sub: 'portal', roles: ['admin'] });
    const open = await http.get('/alerts').query({ status: 'open' }).set('authorization', `Bearer ${reader}`).expect(200);
    const [alert] = open.body.items;
    await http.post(`/alerts/${alert.id}/acknowledge`).set('authorization', `Bearer ${reader}`).expect(403);
    const acknowledged = await http.post(`/alerts/${alert.id}/acknowledge`).set('authorization', `Bearer ${admin}`).expect(200);
    // Without a named person the token's subject is recorded.
    expect(acknowledged.body.acknowledgedBy).toBe('portal');
  });
});
