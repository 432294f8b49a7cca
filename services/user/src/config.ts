import { z } from 'zod';
import { loadServiceConfig } from '@platform/service-kit';

export const userConfigSchema = z.object({
  /** any database of the PostgreSQL server, with a role allowed to create the service's own database */
  DATABASE_URL: z.string().url(),
  USERS_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL identifier')
    .default('users'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** PKCS8 PEM of the Ed25519 signing key; required in production, generated once into .state/keys in development */
  JWT_PRIVATE_KEY: z.string().min(1).optional(),
  JWT_KEY_FILE: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).default('user-service'),
  JWT_AUDIENCE: z.string().min(1).default('platform'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
});

export type UserConfig = ReturnType<typeof loadUserConfig>;

/** The user service's settings; PORT defaults to the service's conventional 3001. */
export function loadUserConfig(env: Record<string, string | undefined> = process.env) {
  return loadServiceConfig(userConfigSchema, { PORT: '3001', BODY_LIMIT: '16kb', ...env });
}
