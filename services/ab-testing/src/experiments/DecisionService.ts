import type { Pool } from 'pg';
import { Counter, type Registry } from 'prom-client';
import { problems } from '@platform/service-kit';
import { assignVariant } from '../assignment/hash';
import { LRUCache } from 'lru-cache';
import { isTargeted, type ExperimentStatus, type ModelAlias } from './model';
import type { ExperimentStore, StoredExperiment } from './ExperimentStore';

/** Why a decision answered the variant it did. */
export type DecisionSource = 'assignment' | 'new-assignment' | 'not-running' | 'not-targeted' | 'winner';

export interface Decision {
  experimentKey: string;
  userId: string;
  variant: string;
  /** model experiments: the registered model and the alias of it the variant serves */
  model?: string;
  modelAlias?: ModelAlias;
  status: ExperimentStatus;
  /** true when the user is in the running experiment (counted in its analysis) */
  inExperiment: boolean;
  source: DecisionSource;
  /** when the user was assigned; null when no assignment applies (not running, not targeted, concluded) */
  assignedAt: string | null;
}

interface CachedExperiment {
  experiment: StoredExperiment | undefined;
  loadedAt: number;
}

interface Assignment {
  variant: string;
  assignedAt: string;
}

export interface DecisionServiceOptions {
  pool: Pool;
  store: ExperimentStore;
  experimentTtlMs: number;
  assignmentCacheSize: number;
  registry?: Registry;
  now?: () => number;
}

/**
 * `GET /experiments/{key}/decision`. The hot path touches no database: the experiment comes from an in-process
 * copy (refreshed after EXPERIMENT_CACHE_TTL_MS, dropped at once when this replica changes it) and a returning
 * user's assignment from an LRU. A user's first decision in a running experiment hashes them (GrowthBook v2, the
 * experiment's seed) into the current weights and persists the result with INSERT ... ON CONFLICT DO NOTHING; if
 * another replica got there first, its row wins and is read back. From then on the user keeps that variant,
 * whatever the weights become. Stopped experiments answer control, concluded ones the winner, without assigning.
 */
export class DecisionService {
  private readonly experiments = new LRUCache<string, CachedExperiment>({ max: 1_000 });
  private readonly loading = new Map<string, Promise<CachedExperiment>>();
  /** undefined when the cache is off (size 0) */
  private readonly assignments?: LRUCache<string, Assignment>;
  private readonly now: () => number;
  /** bumped by invalidate, so a load that started before a change does not cache what it read */
  private generation = 0;
  private readonly decisions?: Counter<'source'>;
  private readonly assignmentReads?: Counter<'result'>;

  constructor(private readonly options: DecisionServiceOptions) {
    if (options.assignmentCacheSize > 0) this.assignments = new LRUCache({ max: options.assignmentCacheSize });
    this.now = options.now ?? Date.now;
    if (options.registry) {
      this.decisions = new Counter({
        name: 'ab_decisions_total',
        help: 'Decisions answered, by why they answered that variant.',
        labelNames: ['source'],
        registers: [options.registry],
      });
      this.assignmentReads = new Counter({
        name: 'ab_assignment_lookups_total',
        help: 'Assignment lookups of running experiments: cache hits, database reads and new assignments written.',
        labelNames: ['result'],
        registers: [options.registry],
      });
    }
  }

  /** Forgets this replica's copy of an experiment (after a change through it). */
  invalidate(key: string): void {
    this.generation++;
    this.experiments.delete(key);
    this.loading.delete(key);
  }

  async decide(key: string, userId: string, attributes: { country?: string; platform?: string } = {}): Promise<Decision> {
    const experiment = await this.experiment(key);
    if (!experiment) throw problems.notFound(`No experiment ${key}.`);
    const decision = await this.decideFor(experiment, userId, attributes);
    this.decisions?.inc({ source: decision.source });
    return decision;
  }

  private async decideFor(
    experiment: StoredExperiment,
    userId: string,
    attributes: { country?: string; platform?: string },
  ): Promise<Decision> {
    const control = experiment.variants[0].name;
    if (experiment.status === 'concluded') return this.answer(experiment, userId, experiment.winner ?? control, 'winner', null);
    if (experiment.status !== 'running') return this.answer(experiment, userId, control, 'not-running', null);
    if (!isTargeted(experiment.targeting, attributes)) return this.answer(experiment, userId, control, 'not-targeted', null);

    const cacheKey = `${experiment.id}:${userId}`;
    const cached = this.assignments?.get(cacheKey);
    if (cached) {
      this.assignmentReads?.inc({ result: 'cache' });
      return this.answer(experiment, userId, cached.variant, 'assignment', cached.assignedAt);
    }
    const { assignment, created } = await this.assign(experiment, userId);
    this.assignmentReads?.inc({ result: created ? 'created' : 'database' });
    this.assignments?.set(cacheKey, assignment);
    return this.answer(experiment, userId, assignment.variant, created ? 'new-assignment' : 'assignment', assignment.assignedAt);
  }

  private async assign(experiment: StoredExperiment, userId: string): Promise<{ assignment: Assignment; created: boolean }> {
    const read = async () => {
      const { rows } = await this.options.pool.query<{ variant: string; assigned_at: Date }>(
        'SELECT variant, assigned_at FROM assignments WHERE experiment_id = $1 AND user_id = $2',
        [experiment.id, userId],
      );
      return rows[0] && { variant: rows[0].variant, assignedAt: rows[0].assigned_at.toISOString() };
    };
    const existing = await read();
    if (existing) return { assignment: existing, created: false };
    const variant = assignVariant(experiment.seed, userId, experiment.variants);
    const { rows } = await this.options.pool.query<{ variant: string; assigned_at: Date }>(
      `INSERT INTO assignments (experiment_id, user_id, variant) VALUES ($1, $2, $3)
       ON CONFLICT (experiment_id, user_id) DO NOTHING
       RETURNING variant, assigned_at`,
      [experiment.id, userId, variant],
    );
    if (rows[0]) return { assignment: { variant: rows[0].variant, assignedAt: rows[0].assigned_at.toISOString() }, created: true };
    // another replica (or request) assigned the user between our read and insert: its row is the assignment
    const winner = await read();
    if (!winner) throw new Error(`assignment of ${userId} to ${experiment.key} neither inserted nor found`);
    return { assignment: winner, created: false };
  }

  private answer(
    experiment: StoredExperiment,
    userId: string,
    variant: string,
    source: DecisionSource,
    assignedAt: string | null,
  ): Decision {
    const bound = experiment.variants.find(v => v.name === variant);
    return {
      experimentKey: experiment.key,
      userId,
      variant,
      ...(experiment.model ? { model: experiment.model } : {}),
      ...(bound?.modelAlias ? { modelAlias: bound.modelAlias } : {}),
      status: experiment.status,
      inExperiment: source === 'assignment' || source === 'new-assignment',
      source,
      assignedAt,
    };
  }

  private async experiment(key: string): Promise<StoredExperiment | undefined> {
    const cached = this.experiments.get(key);
    if (cached && this.now() - cached.loadedAt < this.options.experimentTtlMs) return cached.experiment;
    let loading = this.loading.get(key);
    if (!loading) {
      const generation = this.generation;
      const load: Promise<CachedExperiment> = this.options.store
        .get(key)
        .then(experiment => {
          const entry = { experiment, loadedAt: this.now() };
          if (generation === this.generation) this.experiments.set(key, entry);
          return entry;
        })
        .finally(() => {
          if (this.loading.get(key) === load) this.loading.delete(key);
        });
      loading = load;
      this.loading.set(key, loading);
    }
    return (await loading).experiment;
  }
}
