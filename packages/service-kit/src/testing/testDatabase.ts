import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { createPool, databaseUrl, dropDatabase, ensureDatabase, type PoolOptions } from '../postgres';

export interface TestDatabase {
  /** `<prefix>_<random>`: unique per test run, so parallel files and runs never share a database */
  name: string;
  /** the server URL the database lives on */
  serverUrl: string;
  /** the URL of the database itself */
  url: string;
  /** a pool on the database (the kit's createPool); drop() ends it */
  pool(options?: PoolOptions): Pool;
  /**
   * Registers what must stop before the database goes: a service started on it, a consumer writing to it.
   * drop() runs these first, the last registered first, then ends the pools, then drops.
   */
  closeBeforeDrop(close: () => Promise<void>): void;
  /** stops what was registered, ends every pool handed out, then drops the database; a second call does nothing */
  drop(): Promise<void>;
}

/**
 * A throw-away database on `serverUrl` (for tests: `loadInfraEnv().DATABASE_URL`). Its teardown is in the one
 * order that cannot fail under load: clients closed, then DROP DATABASE ... WITH (FORCE).
 */
export async function testDatabase(serverUrl: string, prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  const url = databaseUrl(serverUrl, name);
  const pools: Pool[] = [];
  const closers: (() => Promise<void>)[] = [];
  let dropped: Promise<void> | undefined;

  async function teardown(): Promise<void> {
    const failures: unknown[] = [];
    for (const close of closers.reverse()) await close().catch(error => failures.push(error));
    await Promise.all(pools.map(pool => pool.end().catch(error => failures.push(error))));
    await dropDatabase(serverUrl, name);
    if (failures.length) throw failures[0];
  }

  return {
    name,
    serverUrl,
    url,
    pool(options) {
      if (dropped) throw new Error(`test database ${name} was dropped`);
      const pool = createPool(url, options);
      pools.push(pool);
      return pool;
    },
    closeBeforeDrop(close) {
      closers.push(close);
    },
    drop() {
      dropped ??= teardown();
      return dropped;
    },
  };
}
