import { Client, Pool, type PoolClient, type PoolConfig } from 'pg';

export type PoolOptions = Omit<PoolConfig, 'connectionString'> & {
  /** told about an idle client that lost its server; the default ignores it, since the next query reports the failure */
  onIdleError?: (error: Error) => void;
};

/**
 * A pg pool whose `end()` resolves only once every connection has closed, not when the goodbyes are sent, and may be
 * called again (a service's shutdown and its test's teardown both end it).
 */
class ClosingPool extends Pool {
  private readonly liveClients = new Set<PoolClient>();
  private closing: Promise<void> | undefined;

  constructor(config: PoolConfig, onIdleError: (error: Error) => void) {
    super(config);
    this.on('error', onIdleError);
    this.on('connect', client => this.liveClients.add(client));
    this.on('remove', client => this.liveClients.delete(client));
  }

  end(): Promise<void>;
  end(callback: () => void): void;
  end(callback?: () => void): Promise<void> | void {
    this.closing ??= this.endAndWait();
    if (!callback) return this.closing;
    this.closing.then(callback, callback);
    return undefined;
  }

  private async endAndWait(): Promise<void> {
    const allClosed = new Promise<void>(resolve => {
      const check = () => {
        if (this.liveClients.size) return;
        this.off('remove', check);
        resolve();
      };
      this.on('remove', check);
      check();
    });
    await super.end();
    await allClosed;
  }
}

/**
 * The one way to open a PostgreSQL pool, in services and tests alike. An idle client losing its server (restart,
 * failover, a database dropped WITH (FORCE)) must not crash the process: pg discards that client and the next query
 * reports the failure. `end()` waits until the server has closed every connection, so a DROP DATABASE or a server
 * stop that follows finds no client of this pool to terminate.
 */
export function createPool(connectionString: string, options: PoolOptions = {}): Pool {
  const { onIdleError = () => undefined, ...config } = options;
  return new ClosingPool({ ...config, connectionString }, onIdleError);
}

/** The same server and credentials as `serverUrl`, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

// A name goes into CREATE and DROP DATABASE unquoted, so only plain lower-case identifiers pass.
function checkDatabaseName(database: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`invalid database name ${database}`);
}

/** Creates the service's own database on first start (the platform role may create databases). */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  checkDatabaseName(database);
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE ${database}`).catch((error: { code?: string }) => {
      // Another replica created it between the check and the create: duplicate_database, or the unique index of pg_database.
      if (error.code !== '42P04' && error.code !== '23505') throw error;
    });
  } finally {
    await admin.end();
  }
}

/**
 * Drops a database even while clients are connected (WITH (FORCE) terminates them). Close your own pools first:
 * a terminated idle client is an error event on its pool.
 */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  checkDatabaseName(database);
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in the order given, one transaction each,
 * serialised across replicas by an advisory lock. Returns the ids it applied.
 */
export async function migrate(pool: Pool, migrations: Migration[]): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query("SELECT pg_advisory_lock(hashtextextended('schema_migrations', 0))");
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ id: number }>('SELECT id FROM schema_migrations');
    const done = new Set(rows.map(row => row.id));
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(migration.id);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtextextended('schema_migrations', 0))").catch(() => undefined);
    client.release();
  }
}
