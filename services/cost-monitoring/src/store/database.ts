import { Client, Pool } from 'pg';

/** The same server and credentials as `serverUrl`, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates the service's own database on first start (the platform role may create databases). */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`invalid database name ${database}`);
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await admin.query(`CREATE DATABASE ${database}`).catch((error: { code?: string }) => {
        // Another replica created it between the check and the create.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await admin.end();
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cost_imports (
  id uuid PRIMARY KEY,
  source text NOT NULL,
  format text NOT NULL,
  status text NOT NULL CHECK (status IN ('succeeded', 'failed')),
  period_start date,
  period_end date,
  source_rows integer NOT NULL DEFAULT 0,
  rows_imported integer NOT NULL DEFAULT 0,
  error jsonb,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  duration_ms integer NOT NULL
);
CREATE INDEX IF NOT EXISTS cost_imports_source_finished ON cost_imports (source, finished_at DESC);

CREATE TABLE IF NOT EXISTS cost_daily (
  day date NOT NULL,
  service text NOT NULL,
  cloud text NOT NULL,
  account_id text NOT NULL,
  category text NOT NULL,
  provider_service text NOT NULL,
  charge_category text NOT NULL,
  currency char(3) NOT NULL,
  billed_cost numeric(18, 6) NOT NULL,
  effective_cost numeric(18, 6) NOT NULL,
  source text NOT NULL,
  import_id uuid NOT NULL REFERENCES cost_imports (id),
  PRIMARY KEY (source, day, service, cloud, account_id, category, provider_service, charge_category)
);
CREATE INDEX IF NOT EXISTS cost_daily_day_service ON cost_daily (day, service);

CREATE TABLE IF NOT EXISTS cost_alerts (
  id uuid PRIMARY KEY,
  key text NOT NULL UNIQUE,
  kind text NOT NULL,
  service text,
  severity text NOT NULL,
  period_start date NOT NULL,
  period_end date NOT NULL,
  amount numeric(18, 6) NOT NULL,
  baseline numeric(18, 6) NOT NULL,
  change double precision NOT NULL,
  threshold double precision NOT NULL,
  message text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'snoozed')),
  snoozed_until timestamptz,
  acknowledged_by text,
  acknowledged_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
`;

/** Idempotent schema creation, serialised by an advisory lock so replicas starting together do not race. */
export async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('cost-monitoring:migrate'))");
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
