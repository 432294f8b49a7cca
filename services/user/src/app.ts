import { createJwtIssuer, createJwtVerifier, createService, databaseUrl, ensureDatabase } from '@platform/service-kit';
import type { Service } from '@platform/service-kit';
import { PasswordHasher } from './auth/passwords';
import { SessionService } from './auth/sessions';
import type { UserConfig } from './config';
import { createPool } from './db/database';
import { migrate } from './db/migrate';
import { userRoutes } from './http/routes';
import { loadSigningKey } from './keys';
import { UserStore } from './users/userStore';

/**
 * Builds the user service: creates its database if missing, applies migrations, loads the signing key,
 * and wires the routes. Start it with runService (or service.start() in tests); stop() closes the pool.
 */
export async function createUserService(config: UserConfig): Promise<Service<UserConfig>> {
  await ensureDatabase(config.DATABASE_URL, config.USERS_DATABASE);
  const pool = createPool(databaseUrl(config.DATABASE_URL, config.USERS_DATABASE), config.DB_POOL_MAX);
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }

  const key = loadSigningKey(config);
  const issuer = await createJwtIssuer({
    privateKeyPem: key.privateKeyPem,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  const verifier = await createJwtVerifier({
    jwks: await issuer.jwks(),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  const users = new UserStore(pool);
  const passwords = new PasswordHasher(config.BCRYPT_COST);
  const sessions = new SessionService(pool, users, passwords, issuer, config.REFRESH_TOKEN_TTL_SECONDS);

  const service = createService({
    name: 'user-service',
    contract: 'user-api',
    config,
    readiness: { postgres: () => pool.query('select 1') },
    routes(router, { logger, onShutdown }) {
      onShutdown(() => pool.end());
      userRoutes(router, {
        users,
        sessions,
        passwords,
        issuer,
        verifier,
        onTokenReuse: (userId, familyId) =>
          logger.warn({ userId, familyId }, 'a rotated refresh token was presented again; its family is revoked'),
      });
    },
  });
  if (key.generatedFile) service.logger.info({ file: key.generatedFile }, 'generated a development JWT signing key');
  return service;
}
