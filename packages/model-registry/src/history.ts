import type { Migration } from '@platform/service-kit';
import type { Pool, PoolClient } from 'pg';

/** The aliases the registry operations move (docs/model-registry.md). */
export const ALIASES = ['champion', 'challenger', 'previous-champion'] as const;
export type Alias = (typeof ALIASES)[number];

/** Which version each alias named; null when it was not set. */
export type AliasState = Record<Alias, string | null>;

export type RegistryAction = 'nominate' | 'promote' | 'demote' | 'rollback';

/** One row of `model_registry_history`: one completed operation, with the aliases before and after it. */
export interface HistoryEntry {
  id: number;
  model: string;
  action: RegistryAction;
  /** the version the operation is about: nominated, promoted, demoted, or rolled back to */
  version: string;
  before: AliasState;
  after: AliasState;
  actor: string;
  reason: string;
  evidence: unknown;
  at: Date;
}

export const HISTORY_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'model_registry_history (append-only)',
    sql: `
      CREATE TABLE model_registry_history (
        id                        bigserial PRIMARY KEY,
        model                     text NOT NULL,
        action                    text NOT NULL CHECK (action IN ('nominate', 'promote', 'demote', 'rollback')),
        version                   text NOT NULL,
        champion_before           text,
        champion_after            text,
        challenger_before         text,
        challenger_after          text,
        previous_champion_before  text,
        previous_champion_after   text,
        actor                     text NOT NULL CHECK (actor <> ''),
        reason                    text NOT NULL CHECK (reason <> ''),
        evidence                  jsonb NOT NULL DEFAULT '{}'::jsonb,
        at                        timestamptz NOT NULL
      );
      CREATE INDEX model_registry_history_model_at ON model_registry_history (model, at DESC, id DESC);

      CREATE FUNCTION model_registry_history_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'model_registry_history is append-only: % refused', TG_OP
          USING ERRCODE = 'restrict_violation';
      END;
      $$;
      CREATE TRIGGER model_registry_history_append_only
        BEFORE UPDATE OR DELETE ON model_registry_history
        FOR EACH ROW EXECUTE FUNCTION model_registry_history_refuse_change();
      CREATE TRIGGER model_registry_history_no_truncate
        BEFORE TRUNCATE ON model_registry_history
        FOR EACH STATEMENT EXECUTE FUNCTION model_registry_history_refuse_change();
    `,
  },
];

interface HistoryRow {
  id: string;
  model: string;
  action: RegistryAction;
  version: string;
  champion_before: string | null;
  champion_after: string | null;
  challenger_before: string | null;
  challenger_after: string | null;
  previous_champion_before: string | null;
  previous_champion_after: string | null;
  actor: string;
  reason: string;
  evidence: unknown;
  at: Date;
}

function toEntry(row: HistoryRow): HistoryEntry {
  return {
    id: Number(row.id),
    model: row.model,
    action: row.action,
    version: row.version,
    before: { champion: row.champion_before, challenger: row.challenger_before, 'previous-champion': row.previous_champion_before },
    after: { champion: row.champion_after, challenger: row.challenger_after, 'previous-champion': row.previous_champion_after },
    actor: row.actor,
    reason: row.reason,
    evidence: row.evidence,
    at: row.at,
  };
}

/** Reads and appends `model_registry_history`; appends happen only inside a registry operation's transaction. */
export class HistoryStore {
  constructor(private readonly pool: Pool) {}

  /** An operation's row, in the transaction that holds the model's lock. */
  async append(client: PoolClient, entry: Omit<HistoryEntry, 'id'>): Promise<HistoryEntry> {
    const { rows } = await client.query<HistoryRow>(
      `INSERT INTO model_registry_history
         (model, action, version, champion_before, champion_after, challenger_before, challenger_after,
          previous_champion_before, previous_champion_after, actor, reason, evidence, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       RETURNING *`,
      [
        entry.model,
        entry.action,
        entry.version,
        entry.before.champion,
        entry.after.champion,
        entry.before.challenger,
        entry.after.challenger,
        entry.before['previous-champion'],
        entry.after['previous-champion'],
        entry.actor,
        entry.reason,
        JSON.stringify(entry.evidence ?? {}),
        entry.at,
      ],
    );
    return toEntry(rows[0]);
  }

  /** A model's operations, newest first. */
  async list(model: string, options: { limit?: number; before?: Date } = {}): Promise<HistoryEntry[]> {
    const { rows } = await this.pool.query<HistoryRow>(
      `SELECT * FROM model_registry_history
        WHERE model = $1 AND ($2::timestamptz IS NULL OR at < $2)
        ORDER BY at DESC, id DESC LIMIT $3`,
      [model, options.before ?? null, options.limit ?? 100],
    );
    return rows.map(toEntry);
  }

  /**
   * The last operation on the model at or before `at` (its `after.champion` was the champion then); undefined
   * when the registry had not yet operated on the model.
   */
  async lastAt(model: string, at: Date, client: Pool | PoolClient = this.pool): Promise<HistoryEntry | undefined> {
    const { rows } = await client.query<HistoryRow>(
      `SELECT * FROM model_registry_history WHERE model = $1 AND at <= $2 ORDER BY at DESC, id DESC LIMIT 1`,
      [model, at],
    );
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  /** The most recent operation after which `version` was champion (the rollback stack, docs/model-registry.md). */
  async lastTimeChampion(client: PoolClient, model: string, version: string): Promise<HistoryEntry | undefined> {
    const { rows } = await client.query<HistoryRow>(
      `SELECT * FROM model_registry_history WHERE model = $1 AND champion_after = $2 ORDER BY at DESC, id DESC LIMIT 1`,
      [model, version],
    );
    return rows[0] ? toEntry(rows[0]) : undefined;
  }
}
