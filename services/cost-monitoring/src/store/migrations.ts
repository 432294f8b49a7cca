import type { Migration } from '@platform/service-kit';

const INITIAL_SCHEMA = `
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

/** The cost database's migrations for the kit's `migrate`; a schema change is a new entry, since an applied one never runs again. */
export const MIGRATIONS: Migration[] = [{ id: 1, name: 'cost imports, daily costs and alerts', sql: INITIAL_SCHEMA }];
