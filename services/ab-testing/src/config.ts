import { z } from 'zod';
import { jwtVerifierEnv, loadServiceConfig } from '@platform/service-kit';

export const abTestingConfigSchema = z.object({
  /** the PostgreSQL server; the service keeps its tables in its own database AB_TESTING_DATABASE on it */
  DATABASE_URL: z.string().min(1),
  AB_TESTING_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('ab_testing'),
  PG_POOL_MAX: z.coerce.number().int().positive().default(10),
  /**
   * How long a replica answers decisions from its cached copy of an experiment. A change made through this
   * replica applies at once; one made through another replica within this many milliseconds.
   */
  EXPERIMENT_CACHE_TTL_MS: z.coerce.number().int().min(0).default(2_000),
  /** assignments kept in memory (LRU) per replica, so a returning user costs no database round trip */
  ASSIGNMENT_CACHE_SIZE: z.coerce.number().int().min(0).default(100_000),
  ...jwtVerifierEnv,
});

export type AbTestingConfig = ReturnType<typeof loadAbTestingConfig>;

/** The service's settings; PORT defaults to 3011. */
export function loadAbTestingConfig(env: Record<string, string | undefined> = process.env) {
  return loadServiceConfig(abTestingConfigSchema, {
    SERVICE_NAME: 'ab-testing-service',
    PORT: '3011',
    ...env,
  });
}
