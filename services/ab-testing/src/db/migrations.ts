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
  {
    id: 2,
    name: 'results aggregates from the interaction events, rollout plans and their state',
    sql: `
      -- Every event id counted once: the ingestion inserts the ids of a batch first and counts only the new ones.
      CREATE TABLE processed_events (
        event_id uuid PRIMARY KEY,
        experiment_id uuid NOT NULL REFERENCES experiments (id),
        processed_at timestamptz NOT NULL DEFAULT now()
      );

      -- Per experiment, variant and user: what the user did while seeing that variant.
      CREATE TABLE result_users (
        experiment_id uuid NOT NULL REFERENCES experiments (id),
        variant text NOT NULL,
        user_id uuid NOT NULL,
        exposures integer NOT NULL DEFAULT 0,
        clicks integer NOT NULL DEFAULT 0,
        carts integer NOT NULL DEFAULT 0,
        purchases integer NOT NULL DEFAULT 0,
        revenue_cents bigint NOT NULL DEFAULT 0,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        first_purchase_at timestamptz,
        PRIMARY KEY (experiment_id, variant, user_id)
      );
      CREATE INDEX result_users_user ON result_users (experiment_id, user_id);

      -- Per experiment, variant and UTC day (of the event's ts): additive counts, summed up to a day for the
      -- cumulative series.
      CREATE TABLE result_daily (
        experiment_id uuid NOT NULL REFERENCES experiments (id),
        variant text NOT NULL,
        day date NOT NULL,
        exposures bigint NOT NULL DEFAULT 0,
        clicks bigint NOT NULL DEFAULT 0,
        carts bigint NOT NULL DEFAULT 0,
        purchases bigint NOT NULL DEFAULT 0,
        revenue_cents bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (experiment_id, variant, day)
      );

      -- The rollout controller's plan of a model experiment (the default plan until someone saves one).
      CREATE TABLE rollout_plans (
        experiment_id uuid PRIMARY KEY REFERENCES experiments (id),
        plan jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL
      );

      -- What the controller knows between two ticks.
      CREATE TABLE rollout_state (
        experiment_id uuid PRIMARY KEY REFERENCES experiments (id),
        phase text NOT NULL DEFAULT 'ramping',
        held_since timestamptz,
        paused_reason text,
        paused_at timestamptz,
        last_evaluation jsonb,
        last_evaluated_at timestamptz,
        rolled_back_at timestamptz,
        demotion_pending boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- The audit log also records what the rollout controller decided without changing the experiment.
      ALTER TABLE experiment_audit DROP CONSTRAINT experiment_audit_action_check;
      ALTER TABLE experiment_audit ADD CONSTRAINT experiment_audit_action_check
        CHECK (action IN ('create', 'update', 'start', 'ramp', 'stop', 'conclude', 'pause', 'plan', 'rollback'));
    `,
  },
];
