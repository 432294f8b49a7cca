import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { migrate } from '@platform/service-kit';
import { AliasState, ALIASES, HISTORY_MIGRATIONS, HistoryEntry, HistoryStore, RegistryAction } from './history';
import { MlflowClient, MlflowError } from './MlflowClient';

export type PreconditionCode =
  | 'INVALID_ARGUMENT'
  | 'MODEL_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'NO_CHALLENGER'
  | 'NO_PREVIOUS_CHAMPION'
  | 'ALREADY_CHAMPION'
  | 'CHAMPION_CHANGED';

/** An operation whose precondition does not hold; it changed nothing and recorded nothing. */
export class RegistryPreconditionError extends Error {
  readonly name = 'RegistryPreconditionError';
  constructor(readonly code: PreconditionCode, readonly model: string, message: string) {
    super(`${model}: ${message}`);
  }
}

export interface OperationInput {
  model: string;
  /** who: a user (`user:jane`), a service (`trainer`, `ab-rollout-controller`) */
  actor: string;
  /** why, in words */
  reason: string;
  /** what the decision rests on (metrics, an experiment id...): in full in the history, compact in the tags */
  evidence?: unknown;
}

export interface ChampionAt {
  /** the champion version at that time; null when the alias was not set */
  version: string | null;
  /** the operation that made it so */
  entry: HistoryEntry;
}

/** Model-version tag values are limited (5000 characters on a SQL backend): evidence longer than this is hashed. */
export const TAG_EVIDENCE_MAX = 1000;
const TAG_TEXT_MAX = 500;

export function compactEvidence(evidence: unknown): string {
  const json = JSON.stringify(evidence ?? {});
  if (json.length <= TAG_EVIDENCE_MAX) return json;
  const sha256 = createHash('sha256').update(json).digest('hex');
  return JSON.stringify({ truncated: true, chars: json.length, sha256 });
}

const short = (text: string) => (text.length <= TAG_TEXT_MAX ? text : `${text.slice(0, TAG_TEXT_MAX - 1)}…`);

interface Plan {
  version: string;
  after: AliasState;
  /** tags per version, written after the aliases moved; `{id}` is filled with the history row id */
  tags: Record<string, Record<string, string>>;
}

/**
 * The registry operations, the only code that moves the aliases `champion`, `challenger` and
 * `previous-champion` (docs/model-registry.md). Each operation runs in one PostgreSQL transaction holding the
 * model's advisory lock: it reads the aliases from MLflow, checks its precondition, appends its history row,
 * moves the aliases, tags the versions and commits. A failed precondition throws RegistryPreconditionError and
 * records nothing; a failure while moving restores the aliases as they were (best effort) and records nothing.
 */
export class ModelRegistry {
  readonly history: HistoryStore;

  constructor(private readonly mlflow: MlflowClient, private readonly pool: Pool) {
    this.history = new HistoryStore(pool);
  }

  /** Creates or updates the history table (the kit's migrations, serialized across processes). */
  async migrate(): Promise<void> {
    await migrate(this.pool, HISTORY_MIGRATIONS);
  }

  /** The aliases as MLflow has them now. */
  async aliases(model: string): Promise<AliasState> {
    let registered;
    try {
      registered = await this.mlflow.getRegisteredModel(model);
    } catch (error) {
      if (error instanceof MlflowError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')
        throw new RegistryPreconditionError('MODEL_NOT_FOUND', model, 'no such registered model');
      throw error;
    }
    const state: AliasState = { champion: null, challenger: null, 'previous-champion': null };
    for (const { alias, version } of registered.aliases ?? [])
      if ((ALIASES as readonly string[]).includes(alias)) state[alias as keyof AliasState] = version;
    return state;
  }

  /** Makes `version` the challenger (the trainer, after registering a version). */
  nominate(input: OperationInput & { version: string }): Promise<HistoryEntry> {
    return this.operate('nominate', input, async before => {
      await this.requireVersion(input.model, input.version);
      if (before.champion === input.version)
        throw new RegistryPreconditionError('ALREADY_CHAMPION', input.model, `version ${input.version} is the champion`);
      return {
        version: input.version,
        after: { ...before, challenger: input.version },
        tags: { [input.version]: this.actionTags('nominated', 'nomination', input) },
      };
    });
  }

  /**
   * Moves `champion` to `version` (default: the challenger); the champion before becomes `previous-champion`;
   * `challenger` is removed when it named the promoted version. With `ifChampion` (a version, or null for
   * none) the promotion happens only when the champion is still that one (a decision taken on what it saw).
   */
  promote(input: OperationInput & { version?: string; ifChampion?: string | null }): Promise<HistoryEntry> {
    return this.operate('promote', input, async before => {
      if (input.ifChampion !== undefined && before.champion !== input.ifChampion)
        throw new RegistryPreconditionError(
          'CHAMPION_CHANGED',
          input.model,
          `the champion is ${before.champion ?? 'not set'}, not ${input.ifChampion ?? 'unset'} as the caller saw`,
        );
      const version = input.version ?? before.challenger;
      if (!version) throw new RegistryPreconditionError('NO_CHALLENGER', input.model, 'no challenger to promote');
      await this.requireVersion(input.model, version);
      if (before.champion === version)
        throw new RegistryPreconditionError('ALREADY_CHAMPION', input.model, `version ${version} is already the champion`);
      const tags: Plan['tags'] = { [version]: this.actionTags('promoted', 'promotion', input) };
      if (before.champion) tags[before.champion] = { superseded_at: '{at}', superseded_by_version: version };
      return {
        version,
        after: {
          champion: version,
          'previous-champion': before.champion ?? before['previous-champion'],
          challenger: before.challenger === version ? null : before.challenger,
        },
        tags,
      };
    });
  }

  /** Removes `challenger` (the version stays registered, tagged as demoted). */
  demote(input: OperationInput): Promise<HistoryEntry> {
    return this.operate('demote', input, async before => {
      if (!before.challenger) throw new RegistryPreconditionError('NO_CHALLENGER', input.model, 'no challenger to demote');
      return {
        version: before.challenger,
        after: { ...before, challenger: null },
        tags: { [before.challenger]: this.actionTags('demoted', 'demotion', input) },
      };
    });
  }

  /**
   * Moves `champion` back to `previous-champion`. The rolled-back version keeps no alias (it is tagged
   * `rolled_back_*`); `previous-champion` moves one step further back: to the previous-champion of the operation
   * that last made the restored version champion (the history is a stack of champions), or is removed when the
   * history knows none or names the rolled-back version.
   */
  rollback(input: OperationInput): Promise<HistoryEntry> {
    return this.operate('rollback', input, async (before, client) => {
      const restored = before['previous-champion'];
      if (!restored || restored === before.champion)
        throw new RegistryPreconditionError('NO_PREVIOUS_CHAMPION', input.model, 'no previous-champion to roll back to');
      await this.requireVersion(input.model, restored);
      const earlier = (await this.history.lastTimeChampion(client, input.model, restored))?.after['previous-champion'] ?? null;
      const tags: Plan['tags'] = { [restored]: { reinstated_by: short(input.actor), reinstated_at: '{at}', reinstated_history_id: '{id}' } };
      if (before.champion) tags[before.champion] = this.actionTags('rolled_back', 'rollback', input);
      return {
        version: restored,
        after: {
          champion: restored,
          'previous-champion': earlier && earlier !== before.champion && earlier !== restored ? earlier : null,
          challenger: before.challenger === restored ? null : before.challenger,
        },
        tags,
      };
    });
  }

  /** What was champion of `model` at `at`, by the history; undefined before the registry's first operation on it. */
  async championAt(model: string, at: Date): Promise<ChampionAt | undefined> {
    const entry = await this.history.lastAt(model, at);
    return entry && { version: entry.after.champion, entry };
  }

  /** `<past>_by`, `<past>_at`, `<noun>_reason`, `<noun>_evidence`, `<noun>_history_id`. */
  private actionTags(past: string, noun: string, input: OperationInput): Record<string, string> {
    return {
      [`${past}_by`]: short(input.actor),
      [`${past}_at`]: '{at}',
      [`${noun}_reason`]: short(input.reason),
      [`${noun}_evidence`]: compactEvidence(input.evidence),
      [`${noun}_history_id`]: '{id}',
    };
  }

  private async requireVersion(model: string, version: string): Promise<void> {
    try {
      await this.mlflow.getModelVersion(model, version);
    } catch (error) {
      if (error instanceof MlflowError && (error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || error.status === 404))
        throw new RegistryPreconditionError('VERSION_NOT_FOUND', model, `no version ${version}`);
      throw error;
    }
  }

  private async operate(
    action: RegistryAction,
    input: OperationInput,
    plan: (before: AliasState, client: PoolClient) => Promise<Plan>,
  ): Promise<HistoryEntry> {
    for (const key of ['model', 'actor', 'reason'] as const)
      if (typeof input[key] !== 'string' || !input[key].trim())
        throw new RegistryPreconditionError('INVALID_ARGUMENT', input.model ?? '', `${key} is required`);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One operation per model at a time, across processes: the lock is held until COMMIT or ROLLBACK.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`model-registry:${input.model}`]);
      const { rows } = await client.query<{ at: Date }>("SELECT date_trunc('milliseconds', clock_timestamp()) AS at");
      const at = rows[0].at; // milliseconds, as a JS Date and the ISO time of the tags hold it
      const before = await this.aliases(input.model);
      const planned = await plan(before, client);
      const entry = await this.history.append(client, {
        model: input.model,
        action,
        version: planned.version,
        before,
        after: planned.after,
        actor: input.actor,
        reason: input.reason,
        evidence: input.evidence ?? {},
        at,
      });
      try {
        await this.moveAliases(input.model, before, planned.after);
        for (const [version, tags] of Object.entries(planned.tags))
          for (const [key, value] of Object.entries(tags))
            await this.mlflow.setModelVersionTag(
              input.model,
              version,
              key,
              value.replace('{at}', at.toISOString()).replace('{id}', String(entry.id)),
            );
        await client.query('COMMIT');
      } catch (error) {
        await this.moveAliases(input.model, planned.after, before).catch(() => undefined);
        throw error;
      }
      return entry;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Sets the aliases that name a version first (champion first: what the serving side reads), then removes. */
  private async moveAliases(model: string, from: AliasState, to: AliasState): Promise<void> {
    const order = ['champion', 'previous-champion', 'challenger'] as const;
    for (const alias of order)
      if (to[alias] && to[alias] !== from[alias]) await this.mlflow.setAlias(model, alias, to[alias]!);
    for (const alias of order)
      if (!to[alias] && from[alias])
        await this.mlflow.deleteAlias(model, alias).catch(error => {
          if (!(error instanceof MlflowError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) throw error;
        });
  }
}
