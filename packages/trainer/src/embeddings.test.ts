import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createJwtVerifier } from '@platform/service-kit';
import { loadTrainerEnv } from './config';
import { serviceToken, writeEmbeddingPointers } from './embeddings';

// A stand-in for the feature store's POST /features/{userId}: checks the service token, records the writes.
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const writes = new Map<string, unknown>();
let inFlight = 0;
let maxInFlight = 0;
let server: Server;
let url: string;

beforeAll(async () => {
  const verifier = await createJwtVerifier({ publicKeyPem: publicPem, issuer: 'user-service', audience: 'platform' });
  server = createServer(async (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let body = '';
    for await (const chunk of req) body += chunk;
    try {
      const claims = await verifier.verify((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      const userId = decodeURIComponent(/^\/features\/([^/]+)$/.exec(req.url ?? '')![1]);
      if (req.method !== 'POST' || !claims.roles.includes('service')) throw new Error('forbidden');
      writes.set(userId, JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ userId }));
    } catch {
      res.writeHead(401).end();
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise(resolve => server.close(resolve)));

describe('writeEmbeddingPointers', () => {
  it("writes each UUID user's row of the version, a bounded number at a time, with a service token", async () => {
    const users = Array.from({ length: 40 }, () => randomUUID());
    const failing = `${randomUUID().slice(0, -4)}wxyz`; // not a UUID (not hex): skipped
    const userIds = [...users.slice(0, 20), 'demo-user-1', ...users.slice(20), failing];
    const token = await serviceToken(loadTrainerEnv({ SERVICE_JWT_PRIVATE_KEY: privatePem.replace(/\n/g, '\\n') }), '/nonexistent');
    const result = await writeEmbeddingPointers({ featureStoreUrl: url, token, model: 'm', version: '7', userIds, concurrency: 3 });
    expect(result).toEqual({ written: 40, skipped: 2, failed: [] });
    users.forEach((userId, i) => {
      const row = i < 20 ? i : i + 1; // 'demo-user-1' holds row 20
      expect(writes.get(userId)).toEqual({ embedding: { model: 'm', version: '7', row } });
    });
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it('reports the users whose write failed and goes on with the others', async () => {
    const [bad, good] = [randomUUID(), randomUUID()];
    const token = await serviceToken(loadTrainerEnv({ SERVICE_JWT_PRIVATE_KEY: privatePem }), '/nonexistent');
    const wrongToken = `${token.slice(0, -4)}AAAA`;
    const result = await writeEmbeddingPointers({ featureStoreUrl: url, token: wrongToken, model: 'm', version: '1', userIds: [bad, good], concurrency: 2 });
    expect(result.written).toBe(0);
    expect(result.failed.map(f => f.userId).sort()).toEqual([bad, good].sort());
  });

  it('needs a signing key', async () => {
    await expect(serviceToken(loadTrainerEnv({}), '/nonexistent')).rejects.toThrow(/SERVICE_JWT_PRIVATE_KEY/);
  });
});
