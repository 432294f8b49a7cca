import { randomBytes } from 'node:crypto';
import { loadInfraEnv } from '@platform/local-infra';
import { Client, Pool } from 'pg';
import { databaseUrl, ensureDatabase, migrate } from './postgres';

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

afterAll(async () => {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
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

describe('migrate', () => {
  let pool: Pool;

  beforeEach(async () => {
    const name = freshName();
    await ensureDatabase(DATABASE_URL, name);
    pool = new Pool({ connectionString: databaseUrl(DATABASE_URL, name), max: 3 });
  });

  afterEach(async () => {
    await pool.end();
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
    const other = new Pool({ connectionString: pool.options.connectionString, max: 1 });
    try {
      const results = await Promise.all([migrate(pool, [first, second]), migrate(other, [first, second])]);
      expect(results.flat().sort()).toEqual([1, 2]);
    } finally {
      await other.end();
    }
  });
});
