import type { Migration } from '@platform/service-kit';

export const migrations: Migration[] = [
  {
    id: 1,
    name: 'experiments, sticky assignments and the append-only audit log',
    sql: `
      CREATE TABLE experiments (
        id uuid PRIMARY KEY,
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        hypothesis text NOT NULL DEFAULT '',
        owner text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('feature', 'model')),
        model text,
        seed text NOT NULL,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'stopped', 'concluded')),
        -- [{ name, weight, modelAlias? }] in their listed order: the first is control
        variants jsonb NOT NULL,
        targeting jsonb NOT NULL DEFAULT '{}',
        winner text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        stopped_at timestamptz,
        concluded_at timestamptz
      );
      CREATE INDEX experiments_created ON experiments (created_at DESC);

      -- A user's first decision in a running experiment; never updated, so weight changes move no one.
      CREATE TABLE assignments (
        experiment_id uuid NOT NULL REFERENCES experiments (id),
        user_id uuid NOT NULL,
        variant text NOT NULL,
        assigned_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (experiment_id, user_id)
      );

      CREATE TABLE experiment_audit (
        id bigserial PRIMARY KEY,
        experiment_id uuid NOT NULL REFERENCES experiments (id),
        experiment_key text NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor text NOT NULL,
        actor_roles text[] NOT NULL DEFAULT '{}',
        action text NOT NULL CHECK (action IN ('create', 'update', 'start', 'ramp', 'stop', 'conclude')),
        before jsonb,
        after jsonb NOT NULL,
        reason text,
        evidence jsonb
      );
      CREATE INDEX experiment_audit_experiment ON experiment_audit (experiment_id, id);

      -- Append-only: the database itself refuses to change or remove an audit row, whoever asks.
      CREATE FUNCTION experiment_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'experiment_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$;
      CREATE TRIGGER experiment_audit_no_update_or_delete BEFORE UPDATE OR DELETE ON experiment_audit
        FOR EACH ROW EXECUTE FUNCTION experiment_audit_append_only();
      CREATE TRIGGER experiment_audit_no_truncate BEFORE TRUNCATE ON experiment_audit
        FOR EACH STATEMENT EXECUTE FUNCTION experiment_audit_append_only();
    `,
  },
];
