import {
  createJwtVerifierFromEnv,
  createPool,
  createService,
  databaseUrl,
  ensureDatabase,
  migrate,
  requireAuth,
  type Service,
} from '@platform/service-kit';
import type { Pool } from 'pg';
import type { AbTestingConfig } from './config';
import { migrations } from './db/migrations';
import { DecisionService } from './experiments/DecisionService';
import { ExperimentStore } from './experiments/ExperimentStore';
import { abTestingRoutes } from './http/routes';

export interface AbTestingService {
  service: Service<AbTestingConfig>;
  pool: Pool;
  store: ExperimentStore;
  decisions: DecisionService;
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

/** Opens the service's own database (created and migrated on first start). */
export async function openAbTestingDatabase(config: Pick<AbTestingConfig, 'DATABASE_URL' | 'AB_TESTING_DATABASE' | 'PG_POOL_MAX'>) {
  await ensureDatabase(config.DATABASE_URL, config.AB_TESTING_DATABASE);
  // an idle connection dropped by the server is replaced on next use; it is logged once the service's logger exists
  let onIdleError: (error: Error) => void = () => undefined;
  const pool = createPool(databaseUrl(config.DATABASE_URL, config.AB_TESTING_DATABASE), {
    max: config.PG_POOL_MAX,
    onIdleError: error => onIdleError(error),
  });
  await migrate(pool, migrations);
  return { pool, setIdleErrorHandler: (handler: (error: Error) => void) => (onIdleError = handler) };
}

/** Builds the A/B testing service (HTTP API on PostgreSQL) without starting it. */
export async function createAbTestingService(config: AbTestingConfig): Promise<AbTestingService> {
  const { pool, setIdleErrorHandler } = await openAbTestingDatabase(config);
  const verifier = await createJwtVerifierFromEnv(config);
  let decisions: DecisionService | undefined;
  const store = new ExperimentStore(pool, key => decisions?.invalidate(key));

  const service = createService({
    name: 'ab-testing-service',
    version: '0.1.0',
    contract: 'ab-testing-api',
    config,
    readiness: {
      postgres: async () => {
        await pool.query('SELECT 1');
      },
    },
    routes(router, { metrics, onShutdown }) {
      onShutdown(() => pool.end());
      decisions = new DecisionService({
        pool,
        store,
        experimentTtlMs: config.EXPERIMENT_CACHE_TTL_MS,
        assignmentCacheSize: config.ASSIGNMENT_CACHE_SIZE,
        registry: metrics.registry,
      });
      abTestingRoutes(router, {
        store,
        decisions,
        admin: requireAuth(verifier, { roles: ['admin'] }),
        operator: requireAuth(verifier, { roles: ['admin', 'service'] }),
        caller: requireAuth(verifier, { roles: ['admin', 'service', 'customer'] }),
      });
    },
  });
  setIdleErrorHandler(error => service.logger.warn({ err: error }, 'idle PostgreSQL connection lost'));

  return {
    service,
    pool,
    store,
    decisions: decisions!,
    start: () => service.start(),
    stop: () => service.stop(),
  };
}
