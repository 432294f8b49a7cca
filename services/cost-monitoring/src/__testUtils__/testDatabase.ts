import { loadInfraEnv } from '@platform/local-infra';
import { migrate } from '@platform/service-kit';
import { testDatabase } from '@platform/service-kit/testing';
import { MIGRATIONS } from '../store/migrations';

/**
 * A throw-away database on the `yarn infra` PostgreSQL server, migrated; `drop()` ends its pool (and whatever
 * was registered with `closeBeforeDrop`) before dropping it.
 */
export async function createTestDatabase(prefix = 'cost_test') {
  const db = await testDatabase(loadInfraEnv().DATABASE_URL, prefix);
  const pool = db.pool({ max: 8 });
  await migrate(pool, MIGRATIONS);
  return { name: db.name, url: db.url, pool, closeBeforeDrop: db.closeBeforeDrop, drop: db.drop };
}
