import { generateKeyPairSync } from 'node:crypto';
import type { Pool } from 'pg';
import request from 'supertest';
import { loadInfraEnv } from '@platform/local-infra';
import { createJwtIssuer } from '@platform/service-kit';
import type { JwtIssuer, Service } from '@platform/service-kit';
import { contractAsserter, testDatabase } from '@platform/service-kit/testing';
import { createUserService } from '../app';
import { loadUserConfig, UserConfig } from '../config';

export const userApi = contractAsserter('user-api');

/**
 * A user service on its own throw-away database (users_test_<random>) of the `yarn infra` PostgreSQL,
 * with a fresh signing key; close() stops it and drops the database.
 */
export interface UserServiceHarness {
  app: Service<UserConfig>['app'];
  service: Service<UserConfig>;
  /** a connection to the test database, for checks behind the API */
  db: Pool;
  database: string;
  /** the server URL the test database lives on */
  databaseUrl: string;
  tokens: JwtIssuer;
  userCount(): Promise<number>;
  close(): Promise<void>;
}

export async function startUserService(): Promise<UserServiceHarness> {
  const { DATABASE_URL } = loadInfraEnv();
  const testDb = await testDatabase(DATABASE_URL, 'users_test');
  const database = testDb.name;
  const privateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const config = loadUserConfig({
    DATABASE_URL,
    USERS_DATABASE: database,
    JWT_PRIVATE_KEY: privateKeyPem,
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    PORT: '0',
  });
  const service = await createUserService(config);
  testDb.closeBeforeDrop(() => service.stop());
  const db = testDb.pool({ max: 2 });
  // tokens as another platform service would hold them (role `service`), signed with the same key
  const tokens = await createJwtIssuer({
    privateKeyPem,
    issuer: 'user-service',
    audience: 'platform',
    ttlSeconds: 60,
  });
  return {
    app: service.app,
    service,
    db,
    database,
    databaseUrl: DATABASE_URL,
    tokens,
    userCount: async () => Number((await db.query('select count(*) from users')).rows[0].count),
    /** stops the service, ends the test's pool, then drops the database */
    close: () => testDb.drop(),
  };
}

let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}-${Date.now()}-${++counter}@example.com`;

/** Registers and logs in a user (optionally with roles, set directly in the database as an operator would). */
export async function signUp(h: UserServiceHarness, options: { roles?: string[]; name?: string } = {}) {
  const email = uniqueEmail(options.roles?.[0]);
  const password = 'correct horse battery';
  const registered = await request(h.app)
    .post('/users')
    .send({ email, password, name: options.name ?? 'Ada Lovelace' });
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${registered.text}`);
  if (options.roles) await h.db.query('update users set roles = $2 where id = $1', [registered.body.id, options.roles]);
  const login = await request(h.app).post('/auth/login').send({ email, password });
  return {
    id: registered.body.id as string,
    email,
    password,
    accessToken: login.body.accessToken as string,
    refreshToken: login.body.refreshToken as string,
  };
}
