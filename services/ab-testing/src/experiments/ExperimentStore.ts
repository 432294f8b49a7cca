import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { problems } from '@platform/service-kit';
import {
  assertStatus,
  rampedVariants,
  TRANSITIONS,
  validateDefinition,
  type Actor,
  type AuditAction,
  type AuditEntry,
  type Experiment,
  type ExperimentInput,
  type ExperimentKind,
  type ExperimentPatch,
  type ExperimentStatus,
  type NoteAction,
  type Variant,
} from './model';

interface ExperimentRow {
  id: string;
  key: string;
  name: string;
  hypothesis: string;
  owner: string;
  kind: ExperimentKind;
  model: string | null;
  seed: string;
  status: ExperimentStatus;
  variants: Variant[];
  targeting: Experiment['targeting'];
  winner: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  stopped_at: Date | null;
  concluded_at: Date | null;
}

/** An experiment with its database id (assignments refer to it). */
export interface StoredExperiment extends Experiment {
  id: string;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * JSON for a jsonb column. PostgreSQL refuses a lone UTF-16 surrogate escape in jsonb, while text columns receive
 * it as U+FFFD (the UTF-8 encoding of the driver); the same replacement here keeps both alike.
 */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\uFFFD');
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(LONE_SURROGATE, '\uFFFD'), wellFormed(v)]));
  }
  return value;
}

const jsonb = (value: unknown) => JSON.stringify(wellFormed(value));

function fromRow(row: ExperimentRow): StoredExperiment {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    hypothesis: row.hypothesis,
    owner: row.owner,
    kind: row.kind,
    ...(row.model ? { model: row.model } : {}),
    seed: row.seed,
    status: row.status,
    variants: row.variants,
    targeting: row.targeting,
    ...(row.winner ? { winner: row.winner } : {}),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    startedAt: iso(row.started_at),
    stoppedAt: iso(row.stopped_at),
    concludedAt: iso(row.concluded_at),
  };
}

/** The API representation (no database id). */
export function publicExperiment(experiment: StoredExperiment): Experiment {
  const { id: _id, ...rest } = experiment;
  return rest;
}

export interface ChangeOptions {
  actor: Actor;
  reason?: string;
  /** what justified the change, e.g. the rollout controller's guardrail readings; kept in the audit log */
  evidence?: Record<string, unknown>;
}

/**
 * Experiments in PostgreSQL and the only way to change them: every change runs in one transaction with the
 * experiment row locked, bumps `version`, and appends its audit row (before, after, who, why). The rollout
 * controller calls `ramp` and `stop` (in process or through the HTTP API); the portal and people the others.
 */
export class ExperimentStore {
  constructor(
    private readonly pool: Pool,
    /** told after every committed change (the decision cache drops its copy) */
    private readonly onChange: (key: string) => void = () => undefined,
  ) {}

  async get(key: string): Promise<StoredExperiment | undefined> {
    const { rows } = await this.pool.query<ExperimentRow>('SELECT * FROM experiments WHERE key = $1', [key]);
    return rows[0] && fromRow(rows[0]);
  }

  async require(key: string): Promise<StoredExperiment> {
    const experiment = await this.get(key);
    if (!experiment) throw problems.notFound(`No experiment ${key}.`);
    return experiment;
  }

  async list(filter: { status?: ExperimentStatus; kind?: ExperimentKind; owner?: string } = {}): Promise<StoredExperiment[]> {
    const { rows } = await this.pool.query<ExperimentRow>(
      `SELECT * FROM experiments
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR owner = $3)
        ORDER BY created_at DESC, key`,
      [filter.status ?? null, filter.kind ?? null, filter.owner ?? null],
    );
    return rows.map(fromRow);
  }

  /** A new experiment in draft (409 if the key is taken, 422 if the definition is inconsistent). */
  async create(input: ExperimentInput, options: ChangeOptions): Promise<StoredExperiment> {
    validateDefinition(input);
    return this.transaction(async client => {
      const { rows } = await client.query<ExperimentRow>(
        `INSERT INTO experiments (id, key, name, hypothesis, owner, kind, model, seed, variants, targeting)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (key) DO NOTHING
         RETURNING *`,
        [
          randomUUID(),
          input.key,
          input.name,
          input.hypothesis ?? '',
          input.owner,
          input.kind,
          input.model ?? null,
          input.seed ?? input.key,
          jsonb(input.variants),
          jsonb(input.targeting ?? {}),
        ],
      );
      if (!rows[0]) throw problems.conflict(`An experiment ${input.key} exists.`);
      const created = fromRow(rows[0]);
      await this.audit(client, 'create', null, created, options);
      return created;
    }, input.key);
  }

  /** Changes the definition of a draft (409 once it has started). */
  async update(key: string, patch: ExperimentPatch, options: ChangeOptions): Promise<StoredExperiment> {
    return this.change(key, 'update', options, before => {
      assertStatus(before, ['draft'], 'update');
      const next = { ...before, ...patch };
      if (patch.kind === 'feature' && patch.model === undefined) delete next.model;
      validateDefinition(next);
      return {
        name: next.name,
        hypothesis: next.hypothesis,
        owner: next.owner,
        kind: next.kind,
        model: next.model ?? null,
        seed: next.seed,
        variants: jsonb(next.variants),
        targeting: jsonb(next.targeting),
      };
    });
  }

  /** draft → running: decisions start assigning users. */
  start(key: string, options: ChangeOptions): Promise<StoredExperiment> {
    return this.change(key, 'start', options, before => {
      assertStatus(before, TRANSITIONS.start.from, 'start');
      return { status: TRANSITIONS.start.to, started_at: new Date() };
    });
  }

  /**
   * New weights for a running experiment (409 otherwise). Users already assigned keep their variant; new users
   * are bucketed with the new weights (ramp-safe layout, see bucketRanges). The seam of the rollout controller.
   */
  ramp(key: string, weights: ReadonlyArray<{ name: string; weight: number }>, options: ChangeOptions): Promise<StoredExperiment> {
    return this.change(key, 'ramp', options, before => {
      assertStatus(before, ['running'], 'ramp');
      return { variants: jsonb(rampedVariants(before, weights)) };
    });
  }

  /** running → stopped: everyone is served control, no one is assigned any more; assignments are kept. */
  stop(key: string, options: ChangeOptions): Promise<StoredExperiment> {
    return this.change(key, 'stop', options, before => {
      assertStatus(before, TRANSITIONS.stop.from, 'stop');
      return { status: TRANSITIONS.stop.to, stopped_at: new Date() };
    });
  }

  /** running or stopped → concluded with a winner, which everyone is served from then on. */
  conclude(key: string, winner: string, options: ChangeOptions): Promise<StoredExperiment> {
    return this.change(key, 'conclude', options, before => {
      assertStatus(before, TRANSITIONS.conclude.from, 'conclude');
      if (!before.variants.some(variant => variant.name === winner)) {
        throw problems.unprocessable(`Experiment ${key} has no variant ${winner}.`, [
          { pointer: '/winner', message: `one of ${before.variants.map(v => v.name).join(', ')}` },
        ]);
      }
      const now = new Date();
      return { status: TRANSITIONS.conclude.to, winner, concluded_at: now, stopped_at: before.stoppedAt ?? now };
    });
  }

  /**
   * Appends an audit entry that changes nothing (before = after, no version bump): a rollout pause, a saved
   * rollout plan, a finished rollback. Written under the experiment's row lock like every change.
   */
  async note(key: string, action: NoteAction, options: ChangeOptions): Promise<StoredExperiment> {
    return this.transaction(async client => {
      const { rows } = await client.query<ExperimentRow>('SELECT * FROM experiments WHERE key = $1 FOR UPDATE', [key]);
      if (!rows[0]) throw problems.notFound(`No experiment ${key}.`);
      const experiment = fromRow(rows[0]);
      await this.audit(client, action, experiment, experiment, options);
      return experiment;
    }, key);
  }

  /** The audit log of an experiment, oldest first. */
  async auditLog(key: string): Promise<AuditEntry[]> {
    const experiment = await this.require(key);
    const { rows } = await this.pool.query<{
      id: string;
      experiment_key: string;
      at: Date;
      actor: string;
      actor_roles: string[];
      action: AuditAction;
      before: Experiment | null;
      after: Experiment;
      reason: string | null;
      evidence: Record<string, unknown> | null;
    }>('SELECT * FROM experiment_audit WHERE experiment_id = $1 ORDER BY id', [experiment.id]);
    return rows.map(row => ({
      id: Number(row.id),
      experimentKey: row.experiment_key,
      at: row.at.toISOString(),
      actor: { sub: row.actor, roles: row.actor_roles },
      action: row.action,
      before: row.before,
      after: row.after,
      reason: row.reason,
      evidence: row.evidence,
    }));
  }

  /** Locks the experiment, lets `decide` check it and say which columns change, writes them and the audit row. */
  private change(
    key: string,
    action: AuditAction,
    options: ChangeOptions,
    decide: (before: StoredExperiment) => Record<string, unknown>,
  ): Promise<StoredExperiment> {
    return this.transaction(async client => {
      const { rows } = await client.query<ExperimentRow>('SELECT * FROM experiments WHERE key = $1 FOR UPDATE', [key]);
      if (!rows[0]) throw problems.notFound(`No experiment ${key}.`);
      const before = fromRow(rows[0]);
      const columns = Object.entries(decide(before));
      const assignments = columns.map(([column], i) => `${column} = $${i + 2}`);
      const { rows: updated } = await client.query<ExperimentRow>(
        `UPDATE experiments SET ${assignments.join(', ')}, version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [before.id, ...columns.map(([, value]) => value)],
      );
      const after = fromRow(updated[0]);
      await this.audit(client, action, before, after, options);
      return after;
    }, key);
  }

  private async audit(
    client: PoolClient,
    action: AuditAction,
    before: StoredExperiment | null,
    after: StoredExperiment,
    { actor, reason, evidence }: ChangeOptions,
  ): Promise<void> {
    await client.query(
      `INSERT INTO experiment_audit (experiment_id, experiment_key, actor, actor_roles, action, before, after, reason, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        after.id,
        after.key,
        actor.sub,
        actor.roles,
        action,
        before && jsonb(publicExperiment(before)),
        jsonb(publicExperiment(after)),
        reason ?? null,
        evidence === undefined ? null : jsonb(evidence),
      ],
    );
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>, key: string): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      this.onChange(key);
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
