import { evaluateGuardrails, type ExperimentAnalysis, type GuardrailVerdict } from '@platform/experiment-stats';
import { HttpError, type BatchConsumerOptions } from '@platform/service-kit';
import type { Pool, PoolClient } from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ExperimentStore, StoredExperiment } from '../experiments/ExperimentStore';
import type { Actor } from '../experiments/model';
import type { ResultsService } from '../results/ResultsService';
import type { GuardrailMetrics } from './GuardrailMetrics';
import { evaluationEvidence, evidenceKey, isManaged, nextStep, type GuardrailEvaluation, type RolloutPlan, type RolloutState } from './plan';
import type { RolloutStore } from './RolloutStore';

type Logger = NonNullable<BatchConsumerOptions<unknown>['logger']>;

/** The audit and registry actor of every action the controller takes. */
export const CONTROLLER_ACTOR: Actor = { sub: 'rollout-controller', roles: ['service'] };

/** The session-level advisory lock (per database) the active controller holds. */
export const CONTROLLER_LOCK_KEY = 4_242_011_311;

export const ROLLOUT_METRICS = {
  rollbacks: 'ab_rollout_rollbacks_total',
  actions: 'ab_rollout_actions_total',
  leader: 'ab_rollout_controller_leader',
  errors: 'ab_rollout_errors_total',
} as const;

/** What the controller needs of the model registry: `ModelRegistry.demote` of @platform/model-registry. */
export interface ChallengerDemoter {
  demote(input: { model: string; actor: string; reason: string; evidence?: unknown }): Promise<{ id: number; version: string }>;
}

export type ExperimentOutcome =
  | 'disabled'
  | 'not-managed'
  | 'guardrails-unavailable'
  | 'rolled-back'
  | 'paused'
  | 'not-holding'
  | 'holding'
  | 'waiting-for-users'
  | 'ramped'
  | 'holding-last-step'
  | 'awaiting-decision'
  | 'concluded'
  | 'changed-meanwhile';

export interface TickReport {
  leader: boolean;
  experiments: Record<string, ExperimentOutcome>;
}

function metric<T extends Counter | Gauge>(registry: Registry | undefined, name: string, create: (registers: Registry[]) => T): T {
  return (registry?.getSingleMetric(name) as T | undefined) ?? create(registry ? [registry] : []);
}

const split = (control: string, treatment: string, weight: number) => [
  { name: control, weight: 100 - weight },
  { name: treatment, weight },
];

/**
 * The rollout controller of model experiments: every `intervalMs` the replica holding the advisory lock reads each
 * running model experiment's guardrails (GuardrailMetrics, Prometheus) and results (ResultsService), then
 * - rolls back at once when a guardrail is breached: weights to control 100 %, the experiment stopped, the
 *   challenger demoted in the model registry, each step audited with the guardrail evaluation as evidence;
 * - pauses (no advance) on a sample ratio mismatch, audited;
 * - advances one step of the plan when the guardrails held for `holdSeconds` since both their last break and the
 *   last weight change, and every variant has `minUsersPerVariant` users; after the last step concludes when the
 *   decision metric is decisive.
 * Every change goes through ExperimentStore (ramp, stop, conclude, note), as a person's does.
 */
export class RolloutController {
  private lockClient: PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private readonly rollbacks: Counter<'experiment'>;
  private readonly actions: Counter<'experiment' | 'action'>;
  private readonly leader: Gauge;
  private readonly errors: Counter<'stage'>;

  constructor(
    private readonly deps: {
      pool: Pool;
      store: ExperimentStore;
      rollouts: RolloutStore;
      results: ResultsService;
      guardrails: GuardrailMetrics;
      /** null: rollbacks ramp and stop but cannot demote (logged and audited as such) */
      registry: ChallengerDemoter | null;
      logger: Logger;
      registryMetrics?: Registry;
      intervalMs: number;
      now?: () => Date;
    },
  ) {
    const registry = deps.registryMetrics;
    this.rollbacks = metric(registry, ROLLOUT_METRICS.rollbacks, registers =>
      new Counter({
        name: ROLLOUT_METRICS.rollbacks,
        help: 'Model experiments rolled back by the rollout controller on a guardrail breach (alert on any increase)',
        labelNames: ['experiment'] as const,
        registers,
      }),
    );
    this.actions = metric(registry, ROLLOUT_METRICS.actions, registers =>
      new Counter({
        name: ROLLOUT_METRICS.actions,
        help: 'Rollout controller actions by experiment and action (ramp, pause, rollback, conclude, demote)',
        labelNames: ['experiment', 'action'] as const,
        registers,
      }),
    );
    this.leader = metric(registry, ROLLOUT_METRICS.leader, registers =>
      new Gauge({ name: ROLLOUT_METRICS.leader, help: '1 on the replica whose controller holds the advisory lock', registers }),
    );
    this.errors = metric(registry, ROLLOUT_METRICS.errors, registers =>
      new Counter({
        name: ROLLOUT_METRICS.errors,
        help: 'Rollout controller failures by stage (lock, guardrails, results, action, demote)',
        labelNames: ['stage'] as const,
        registers,
      }),
    );
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Ticks every intervalMs until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick().catch(error => this.deps.logger.error({ err: error }, 'rollout controller tick failed'));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, this.deps.intervalMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Ends the loop after the tick in flight and gives up the lock. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.releaseLock();
  }

  get isLeader(): boolean {
    return !!this.lockClient;
  }

  private async releaseLock(broken = false): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    this.leader.set(0);
    if (!client) return;
    if (!broken) await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    client.release(broken || undefined);
  }

  /** Holds (or takes) the advisory lock: true when this controller is the active one. */
  private async lead(): Promise<boolean> {
    if (this.lockClient) {
      try {
        await this.lockClient.query('SELECT 1');
        return true;
      } catch (error) {
        // the session is gone and its lock with it
        this.deps.logger.warn({ err: error }, 'rollout controller lost its database session; leadership given up');
        await this.releaseLock(true);
      }
    }
    const client = await this.deps.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [CONTROLLER_LOCK_KEY]);
      if (!rows[0].locked) {
        client.release();
        return false;
      }
      client.on('error', () => undefined);
      this.lockClient = client;
      this.leader.set(1);
      this.deps.logger.info('rollout controller is the active one (advisory lock taken)');
      return true;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  /** One pass over every running model experiment (only on the replica holding the lock). */
  async tick(): Promise<TickReport> {
    let leading: boolean;
    try {
      leading = await this.lead();
    } catch (error) {
      this.errors.inc({ stage: 'lock' });
      throw error;
    }
    const report: TickReport = { leader: leading, experiments: {} };
    if (!leading) return report;
    for (const key of await this.deps.rollouts.pendingDemotions()) {
      const experiment = await this.deps.store.require(key);
      const state = await this.deps.rollouts.state(experiment.id);
      await this.demote(experiment, state, state.lastEvaluation);
    }
    for (const experiment of await this.deps.store.list({ status: 'running', kind: 'model' })) {
      try {
        report.experiments[experiment.key] = await this.evaluate(experiment);
      } catch (error) {
        if (error instanceof HttpError && error.status === 409) {
          // stopped, concluded or ramped by someone else between reading and acting: next tick sees it
          report.experiments[experiment.key] = 'changed-meanwhile';
          continue;
        }
        this.errors.inc({ stage: 'action' });
        this.deps.logger.error({ err: error, experiment: experiment.key }, 'rollout controller could not handle experiment');
      }
    }
    return report;
  }

  private async evaluate(experiment: StoredExperiment): Promise<ExperimentOutcome> {
    if (!isManaged(experiment)) return 'not-managed';
    const { rollouts, store, logger } = this.deps;
    const { plan } = await rollouts.plan(experiment.id);
    if (!plan.enabled) return 'disabled';
    const state = await rollouts.state(experiment.id);
    const [control, treatment] = experiment.variants;

    let evaluation: GuardrailEvaluation;
    try {
      const readings = await this.deps.guardrails.observe(experiment);
      const verdict: GuardrailVerdict = evaluateGuardrails({
        variantKey: treatment.name,
        observed: readings.observations[treatment.name] ?? {},
        control: readings.observations[control.name] ?? {},
        thresholds: plan.thresholds,
      });
      evaluation = {
        evaluatedAt: this.now().toISOString(),
        status: verdict.status,
        observations: experiment.variants.map(({ name }) => ({
          variant: name,
          p95LatencyMs: readings.observations[name]?.p95LatencyMs ?? null,
          errorRate: readings.observations[name]?.errorRate ?? null,
        })),
        errorRateScope: readings.errorRateScope,
        verdicts: [verdict],
      };
    } catch (error) {
      // no numbers is never "held": the step does not advance, and nothing is rolled back on a Prometheus outage
      this.errors.inc({ stage: 'guardrails' });
      logger.warn({ err: error, experiment: experiment.key }, 'guardrail metrics unavailable; the rollout waits');
      await rollouts.saveState(experiment.id, { ...state, heldSince: null });
      return 'guardrails-unavailable';
    }

    if (evaluation.status === 'breached') {
      await this.rollback(experiment, state, evaluation);
      return 'rolled-back';
    }

    const results = await this.deps.results.results(experiment.key);
    const { analysis } = results;
    if (analysis.srm.flagged || state.phase === 'paused') {
      const next: RolloutState = { ...state, lastEvaluation: evaluation, heldSince: null };
      if (state.phase !== 'paused') {
        const reason = `sample ratio mismatch (p = ${analysis.srm.pValue.toPrecision(3)} < ${analysis.srm.threshold}): the rollout is paused until the plan is saved again`;
        next.phase = 'paused';
        next.pausedReason = reason;
        next.pausedAt = this.now().toISOString();
        await store.note(experiment.key, 'pause', { actor: CONTROLLER_ACTOR, reason, evidence: srmEvidence(analysis) });
        this.actions.inc({ experiment: experiment.key, action: 'pause' });
        logger.warn({ experiment: experiment.key, srm: analysis.srm }, 'rollout paused: sample ratio mismatch');
      }
      await rollouts.saveState(experiment.id, next);
      return 'paused';
    }

    const held = evaluation.status === 'held';
    const heldSince = held ? state.heldSince ?? evaluation.evaluatedAt : null;
    await rollouts.saveState(experiment.id, { ...state, phase: 'ramping', lastEvaluation: evaluation, heldSince });
    if (!held || !heldSince) return 'not-holding';

    const since = Math.max(Date.parse(heldSince), Date.parse(experiment.updatedAt));
    const heldForSeconds = (this.now().getTime() - since) / 1000;
    if (heldForSeconds < plan.holdSeconds) return 'holding';
    const fewest = Math.min(...results.variants.map(v => v.users));
    if (fewest < plan.minUsersPerVariant) return 'waiting-for-users';

    const evidence = evaluationEvidence(evaluation, {
      heldForSeconds: Math.round(heldForSeconds),
      holdSeconds: plan.holdSeconds,
      minUsersPerVariant: plan.minUsersPerVariant,
      ...Object.fromEntries(results.variants.map(v => [evidenceKey(`${v.variant}.users`), v.users])),
      srmPValue: analysis.srm.pValue,
    });
    const step = nextStep(plan, treatment.weight);
    if (step !== null) {
      await store.ramp(experiment.key, split(control.name, treatment.name, step), {
        actor: CONTROLLER_ACTOR,
        reason: `guardrails held for ${Math.round(heldForSeconds)} s at ${control.weight}/${treatment.weight} with at least ${fewest} users per variant: next step ${100 - step}/${step}`,
        evidence,
      });
      this.actions.inc({ experiment: experiment.key, action: 'ramp' });
      logger.info({ experiment: experiment.key, from: treatment.weight, to: step }, 'rollout advanced a step');
      return 'ramped';
    }
    if (!plan.concludeAfterLastStep) return 'holding-last-step';
    return this.conclude(experiment, plan, analysis, evidence, state);
  }

  private async conclude(
    experiment: StoredExperiment,
    plan: RolloutPlan,
    analysis: ExperimentAnalysis,
    evidence: Record<string, string | number | boolean | null>,
    state: RolloutState,
  ): Promise<ExperimentOutcome> {
    const [control, treatment] = experiment.variants;
    const comparison = analysis.metrics.find(m => m.key === plan.decisionMetric)?.variants.find(v => !v.isControl)?.comparison;
    const chance = comparison?.status === 'ok' ? comparison.bayesian.chanceToBeatControl : null;
    let winner: string | null = null;
    if (chance !== null && chance >= plan.decisionChance) winner = treatment.name;
    else if (chance !== null && chance <= 1 - plan.decisionChance) winner = control.name;
    if (!winner) {
      await this.deps.rollouts.saveState(experiment.id, { ...state, phase: 'awaiting-decision', lastEvaluation: state.lastEvaluation });
      return 'awaiting-decision';
    }
    await this.deps.store.conclude(experiment.key, winner, {
      actor: CONTROLLER_ACTOR,
      reason: `last step held; ${plan.decisionMetric}: chance to beat control ${chance!.toFixed(4)} (decision at ${plan.decisionChance}): ${winner} wins`,
      evidence: { ...evidence, decisionMetric: plan.decisionMetric, chanceToBeatControl: chance, winner },
    });
    this.actions.inc({ experiment: experiment.key, action: 'conclude' });
    await this.deps.rollouts.saveState(experiment.id, { ...(await this.deps.rollouts.state(experiment.id)), phase: 'concluded' });
    this.deps.logger.info({ experiment: experiment.key, winner, chance }, 'rollout concluded');
    return 'concluded';
  }

  /** Weights to control 100 %, the experiment stopped (sticky treatment users too get control), the challenger demoted. */
  private async rollback(experiment: StoredExperiment, state: RolloutState, evaluation: GuardrailEvaluation): Promise<void> {
    const { store, rollouts, logger } = this.deps;
    const [control, treatment] = experiment.variants;
    const breached = evaluation.verdicts.flatMap(v => v.checks).filter(check => check.status === 'breached');
    const reason = `guardrail breached, rolled back: ${breached.map(check => check.evidence).join(' ')}`.slice(0, 1000);
    const evidence = evaluationEvidence(evaluation, { action: 'rollback' });
    if (treatment.weight > 0) {
      await store.ramp(experiment.key, split(control.name, treatment.name, 0), { actor: CONTROLLER_ACTOR, reason, evidence });
    }
    await store.stop(experiment.key, { actor: CONTROLLER_ACTOR, reason, evidence });
    this.rollbacks.inc({ experiment: experiment.key });
    this.actions.inc({ experiment: experiment.key, action: 'rollback' });
    logger.warn(
      { experiment: experiment.key, model: experiment.model, evaluation, alert: ROLLOUT_METRICS.rollbacks },
      `rollout rolled back ${experiment.key}: ${reason}`,
    );
    const next: RolloutState = {
      ...state,
      phase: 'rolled-back',
      heldSince: null,
      lastEvaluation: evaluation,
      rolledBackAt: this.now().toISOString(),
      demotionPending: true,
    };
    await rollouts.saveState(experiment.id, next);
    await this.demote(await store.require(experiment.key), next, evaluation);
  }

  /** The challenger of a rolled-back experiment demoted through the registry; retried each tick until it went through. */
  private async demote(experiment: StoredExperiment, state: RolloutState, evaluation: GuardrailEvaluation | null): Promise<void> {
    const { registry, rollouts, store, logger } = this.deps;
    const base = evaluation ? evaluationEvidence(evaluation, { action: 'demote' }) : { action: 'demote' };
    const reason = `A/B experiment ${experiment.key} rolled back on a guardrail breach`;
    let outcome: Record<string, string | number | boolean | null>;
    if (!registry || !experiment.model) {
      outcome = { ...base, demoted: false, registry: 'not configured' };
    } else {
      try {
        const entry = await registry.demote({
          model: experiment.model,
          actor: CONTROLLER_ACTOR.sub,
          reason,
          evidence: { experiment: experiment.key, guardrails: evaluation },
        });
        outcome = { ...base, demoted: true, model: experiment.model, demotedVersion: entry.version, registryHistoryId: entry.id };
        this.actions.inc({ experiment: experiment.key, action: 'demote' });
      } catch (error) {
        if ((error as { code?: string }).code === 'NO_CHALLENGER') {
          outcome = { ...base, demoted: false, model: experiment.model, registry: 'no challenger to demote' };
        } else {
          this.errors.inc({ stage: 'demote' });
          logger.error({ err: error, experiment: experiment.key, model: experiment.model }, 'challenger demotion failed; retried next tick');
          return;
        }
      }
    }
    await store.note(experiment.key, 'rollback', { actor: CONTROLLER_ACTOR, reason, evidence: outcome });
    await rollouts.saveState(experiment.id, { ...state, demotionPending: false });
  }
}

function srmEvidence(analysis: ExperimentAnalysis): Record<string, string | number | boolean | null> {
  const { srm } = analysis;
  const flat: Record<string, string | number | boolean | null> = {
    srmStatus: srm.status,
    srmPValue: srm.pValue,
    srmChiSquare: srm.chiSquare,
    srmThreshold: srm.threshold,
    totalUsers: srm.totalUsers,
  };
  for (const v of srm.variants) {
    flat[evidenceKey(`${v.key}.observedUsers`)] = v.observedUsers;
    flat[evidenceKey(`${v.key}.expectedUsers`)] = v.expectedUsers;
  }
  return flat;
}
