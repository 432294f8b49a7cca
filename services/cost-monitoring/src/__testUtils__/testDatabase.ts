import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { loadInfraEnv } from '@platform/local-infra';
import { databaseUrl, ensureDatabase, migrate } from '@platform/service-kit';
import { MIGRATIONS } from '../store/migrations';

/** A throw-away database on the `yarn infra` PostgreSQL server, migrated, dropped by `drop()`. */
export async function createTestDatabase(prefix = 'cost_test') {
  loadInfraEnv();
  const serverUrl = process.env.DATABASE_URL!;
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  const url = databaseUrl(serverUrl, name);
  const pool = new Pool({ connectionString: url, max: 8 });
  await migrate(pool, MIGRATIONS);
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
