import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';

// Runs from source (tsx, Jest), so the SQL files sit next to this module.
// eslint-disable-next-line no-restricted-syntax
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** an arbitrary constant: the advisory lock that serialises replicas migrating at the same start */
const MIGRATION_LOCK = 7_301_001;

/**
 * Applies the `NNN_name.sql` files not yet recorded in schema_migrations, in order, in one transaction:
 * either the schema moves to the newest version or it stays where it was.
 */
export async function migrate(pool: Pool, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const files = fs
    .readdirSync(dir)
    .filter(f => /^\d+_[\w-]+\.sql$/.test(f))
    .sort();
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())',
    );
    const { rows } = await client.query<{ version: string }>('select version from schema_migrations');
    const applied = new Set(rows.map(r => r.version));
    const pending = files.filter(f => !applied.has(f));
    for (const file of pending) {
      await client.query(fs.readFileSync(path.join(dir, file), 'utf8'));
      await client.query('insert into schema_migrations (version) values ($1)', [file]);
    }
    await client.query('commit');
    return pending;
  } catch (e) {
    await client.query('rollback');
    throw e;
  } finally {
    client.release();
  }
}
