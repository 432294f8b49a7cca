import { createHash, generateKeyPairSync } from 'node:crypto';
import { loadInfraEnv } from '@platform/local-infra';
import { createJwtIssuer } from '@platform/service-kit';
import { contractAsserter, testDatabase } from '@platform/service-kit/testing';
import { createAbTestingService, type AbTestingService } from '../app';
import { loadAbTestingConfig } from '../config';

export const infra = loadInfraEnv();

/** The n-th of a fixed list of user ids (UUID-shaped SHA-256 prefixes): the same ids on every run and machine. */
export function userId(n: number, salt = 'ab-testing-test'): string {
  const hex = createHash('sha256').update(`${salt}:${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A database of its own on the shared PostgreSQL server, a signing key standing in for the user service's, and
 * `start()` for as many service instances on that database as a test needs (a restart is a second instance).
 * `stop()` stops every instance, then drops the database.
 */
export async function startHarness() {
  const db = await testDatabase(infra.DATABASE_URL, 'ab_testing_test');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const issuer = await createJwtIssuer({ privateKeyPem: privateKey, issuer: 'user-service', audience: 'platform', ttlSeconds: 600 });
  const config = (overrides: Record<string, string> = {}) =>
    loadAbTestingConfig({
      DATABASE_URL: infra.DATABASE_URL,
      AB_TESTING_DATABASE: db.name,
      PORT: '0',
      LOG_LEVEL: 'silent',
      JWT_PUBLIC_KEY: publicKey,
      PG_POOL_MAX: '4',
      ...overrides,
    });
  const instances: AbTestingService[] = [];
  const start = async (overrides: Record<string, string> = {}) => {
    const app = await createAbTestingService(config(overrides));
    instances.push(app);
    db.closeBeforeDrop(() => app.stop());
    return app;
  };
  return {
    db,
    sql: db.pool({ max: 2 }),
    start,
    contract: contractAsserter('ab-testing-api'),
    token: (sub: string, roles: string[]) => issuer.sign({ sub, roles }),
    stop: () => db.drop(),
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
