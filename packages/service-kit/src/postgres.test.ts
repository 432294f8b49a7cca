import { randomBytes } from 'node:crypto';
import { loadInfraEnv } from '@platform/local-infra';
import { Client, Pool } from 'pg';
import { createPool, databaseUrl, dropDatabase, ensureDatabase, migrate } from './postgres';
import { testDatabase, TestDatabase } from './testing';

const { DATABASE_URL } = loadInfraEnv();
const created: string[] = [];

function freshName(): string {
  const name = `kit_test_${randomBytes(6).toString('hex')}`;
  created.push(name);
  return name;
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

/** A connection to the server that counts the connections to a database, open before the moment it checks. */
async function connectionCounter() {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  return {
    async to(name: string): Promise<number> {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      return rows[0].n;
    },
    close: () => client.end(),
  };
}

afterAll(async () => {
  for (const name of created) await dropDatabase(DATABASE_URL, name);
});

describe('databaseUrl', () => {
  it('keeps server and credentials and swaps the database', () => {
    expect(databaseUrl('postgres://u:p@db.example:5433/platform?sslmode=disable', 'orders')).toBe(
      'postgres://u:p@db.example:5433/orders?sslmode=disable',
    );
  });
});

describe('ensureDatabase', () => {
  it('creates a missing database, and a second call is a no-op', async () => {
    const name = freshName();
    expect(await databaseExists(name)).toBe(false);
    await ensureDatabase(DATABASE_URL, name);
    expect(await databaseExists(name)).toBe(true);
    await expect(ensureDatabase(DATABASE_URL, name)).resolves.toBeUndefined();
    expect(await databaseExists(name)).toBe(true);
  });

  it('lets concurrent creators of the same database both succeed', async () => {
    const name = freshName();
    await expect(
      Promise.all([ensureDatabase(DATABASE_URL, name), ensureDatabase(DATABASE_URL, name), ensureDatabase(DATABASE_URL, name)]),
    ).resolves.toHaveLength(3);
    expect(await databaseExists(name)).toBe(true);
  });

  it('refuses a name that is not a plain identifier', async () => {
    await expect(ensureDatabase(DATABASE_URL, 'x; DROP DATABASE platform')).rejects.toThrow(/invalid database name/);
    await expect(ensureDatabase(DATABASE_URL, 'Upper')).rejects.toThrow(/invalid database name/);
  });
});

describe('createPool', () => {
  it('discards an idle client whose database is dropped WITH (FORCE), without an unhandled error', async () => {
    const name = freshName();
    await ensureDatabase(DATABASE_URL, name);
    const pool = createPool(databaseUrl(DATABASE_URL, name), { max: 2 });
    try {
      await pool.query('SELECT 1');
      expect(pool.idleCount).toBe(1);
      const discarded = new Promise(resolve => pool.once('remove', resolve));
      await dropDatabase(DATABASE_URL, name);
      await discarded;
      expect(pool.totalCount).toBe(0);
      // the next query is where the failure shows: the database does not exist any more
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: '3D000' });
    } finally {
      await pool.end();
    }
  });

  it('tells onIdleError about the lost client', async () => {
    const name = freshName();
    await ensureDatabase(DATABASE_URL, name);
    const lost: Error[] = [];
    const pool = createPool(databaseUrl(DATABASE_URL, name), { onIdleError: error => lost.push(error) });
    try {
      await pool.query('SELECT 1');
      const discarded = new Promise(resolve => pool.once('remove', resolve));
      await dropDatabase(DATABASE_URL, name);
      await discarded;
      expect(lost).toEqual([expect.objectContaining({ code: '57P01' })]);
    } finally {
      await pool.end();
    }
  });

  it('ends once the server has closed every connection, so nothing is left for a DROP to terminate', async () => {
    const name = freshName();
    await ensureDatabase(DATABASE_URL, name);
    const pool = createPool(databaseUrl(DATABASE_URL, name), { max: 4 });
    const connections = await connectionCounter();
    try {
      await Promise.all([1, 2, 3, 4].map(() => pool.query('SELECT pg_sleep(0.05)')));
      expect(await connections.to(name)).toBe(4);
      await pool.end();
      expect(await connections.to(name)).toBe(0);
    } finally {
      await connections.close();
    }
    // a service's shutdown and its test's teardown may both end it
    await expect(pool.end()).resolves.toBeUndefined();
  });

  it('waits for a checked-out client to be released before it ends', async () => {
    const name = freshName();
    await ensureDatabase(DATABASE_URL, name);
    const pool = createPool(databaseUrl(DATABASE_URL, name));
    const connections = await connectionCounter();
    try {
      const client = await pool.connect();
      let ended = false;
      const ending = pool.end().then(() => {
        ended = true;
      });
      await client.query('SELECT 1');
      expect(ended).toBe(false);
      client.release();
      await ending;
      expect(await connections.to(name)).toBe(0);
    } finally {
      await connections.close();
    }
  });
});

describe('testDatabase', () => {
  it('stops what was registered, then ends its pools, then drops the database', async () => {
    const db = await testDatabase(DATABASE_URL, 'kit_test');
    const other = await testDatabase(DATABASE_URL, 'kit_test');
    expect(db.name).toMatch(/^kit_test_[0-9a-f]{10}$/);
    expect(other.name).not.toBe(db.name);
    await other.drop();
    const pool = db.pool({ max: 2 });
    await pool.query('CREATE TABLE events (what text)');
    const steps: string[] = [];
    // a "service" still writing through the pool when it is stopped: the pool must still be open then
    db.closeBeforeDrop(async () => {
      await pool.query("INSERT INTO events VALUES ('service stopped')");
      steps.push('service stopped');
    });
    db.closeBeforeDrop(async () => {
      steps.push('consumer stopped');
    });
    await db.drop();
    expect(steps).toEqual(['consumer stopped', 'service stopped']);
    expect(pool.ended).toBe(true);
    expect(await databaseExists(db.name)).toBe(false);
    await expect(db.drop()).resolves.toBeUndefined();
    expect(() => db.pool()).toThrow(/was dropped/);
  });

  it('drops the database even when something registered fails to stop, and reports that failure', async () => {
    const db = await testDatabase(DATABASE_URL, 'kit_test');
    db.pool();
    db.closeBeforeDrop(async () => {
      throw new Error('consumer would not stop');
    });
    await expect(db.drop()).rejects.toThrow('consumer would not stop');
    expect(await databaseExists(db.name)).toBe(false);
  });
});

describe('migrate', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeEach(async () => {
    db = await testDatabase(DATABASE_URL, 'kit_test');
    pool = db.pool({ max: 3 });
  });

  afterEach(async () => {
    await db.drop();
  });

  const first = { id: 1, name: 'items', sql: 'CREATE TABLE items (id integer PRIMARY KEY)' };
  const second = { id: 2, name: 'items_label', sql: 'ALTER TABLE items ADD COLUMN label text' };

  it('applies each migration once and records its id and name', async () => {
    expect(await migrate(pool, [first])).toEqual([1]);
    expect(await migrate(pool, [first, second])).toEqual([2]);
    expect(await migrate(pool, [first, second])).toEqual([]);
    const { rows } = await pool.query('SELECT id, name FROM schema_migrations ORDER BY id');
    expect(rows).toEqual([
      { id: 1, name: 'items' },
      { id: 2, name: 'items_label' },
    ]);
    const columns = await pool.query(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position",
    );
    expect(columns.rows.map(row => row.column_name)).toEqual(['id', 'label']);
  });

  it('rolls a failing migration back and records nothing of it', async () => {
    const failing = {
      id: 2,
      name: 'half_done',
      sql: 'CREATE TABLE half (id integer); INSERT INTO no_such_table VALUES (1)',
    };
    await expect(migrate(pool, [first, failing])).rejects.toThrow(/no_such_table/);
    const { rows } = await pool.query('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows).toEqual([{ id: 1 }]);
    const half = await pool.query("SELECT to_regclass('half') AS table");
    expect(half.rows[0].table).toBeNull();
    // The lock was released: a corrected list goes through.
    expect(await migrate(pool, [first, second])).toEqual([2]);
  });

  it('serialises replicas migrating at the same time', async () => {
    const other = db.pool({ max: 1 });
    const results = await Promise.all([migrate(pool, [first, second]), migrate(other, [first, second])]);
    expect(results.flat().sort()).toEqual([1, 2]);
  });
});
