import type { GuardrailObservation, GuardrailStatus, GuardrailThresholds, GuardrailVerdict } from '@platform/experiment-stats';
import { problems } from '@platform/service-kit';
import type { Experiment } from '../experiments/model';

export type DecisionMetric = 'ctr' | 'conversionRate' | 'revenuePerUser';

/** How the rollout controller drives one model experiment. */
export interface RolloutPlan {
  /** false: the controller leaves the experiment alone (no evaluation, no ramp, no rollback) */
  enabled: boolean;
  /** the treatment's weight at each step, rising, e.g. [10, 50]: 90/10 → 50/50 */
  steps: number[];
  /** after the last step has held: conclude with the winner by `decisionMetric` */
  concludeAfterLastStep: boolean;
  /** the guardrails must have held without a break for this long at a step (and since its ramp) before advancing */
  holdSeconds: number;
  /** and every variant must have at least this many analysed users */
  minUsersPerVariant: number;
  /** the limits of evaluateGuardrails for the treatment (latency in ms, error rate a fraction) */
  thresholds: GuardrailThresholds;
  /** concluding needs this metric's Bayesian chance to beat control ≥ decisionChance (treatment wins) or ≤ 1 − it (control wins) */
  decisionMetric: DecisionMetric;
  decisionChance: number;
}

export const DEFAULT_ROLLOUT_PLAN: RolloutPlan = {
  enabled: true,
  steps: [10, 50],
  concludeAfterLastStep: true,
  holdSeconds: 3600,
  minUsersPerVariant: 100,
  thresholds: {
    p95LatencyMs: { max: 100, maxIncreaseOverControl: 0.25 },
    errorRate: { max: 0.01, maxIncreaseOverControl: 0.005 },
  },
  decisionMetric: 'ctr',
  decisionChance: 0.95,
};

export type RolloutPhase = 'ramping' | 'paused' | 'awaiting-decision' | 'rolled-back' | 'concluded' | 'stopped';

/** One evaluation of the guardrails of a running model experiment. */
export interface GuardrailEvaluation {
  evaluatedAt: string;
  /** the treatments' worst verdict: breached, else no-data, else held */
  status: GuardrailStatus;
  /** the numbers read from Prometheus, per variant */
  observations: Array<{ variant: string; p95LatencyMs: number | null; errorRate: number | null }>;
  /** the error rate is the recommendation service's overall 5xx ratio (it has no per-variant error counter) */
  errorRateScope: 'service' | 'variant';
  /** one verdict per treatment (evaluateGuardrails) */
  verdicts: GuardrailVerdict[];
}

export interface RolloutState {
  phase: RolloutPhase;
  /** since when the guardrails held without a break (null: they do not hold now) */
  heldSince: string | null;
  pausedReason: string | null;
  pausedAt: string | null;
  lastEvaluation: GuardrailEvaluation | null;
  rolledBackAt: string | null;
  /** a rollback whose demotion in the model registry did not go through yet (retried every tick) */
  demotionPending: boolean;
}

export const INITIAL_STATE: RolloutState = {
  phase: 'ramping',
  heldSince: null,
  pausedReason: null,
  pausedAt: null,
  lastEvaluation: null,
  rolledBackAt: null,
  demotionPending: false,
};

/** The controller drives model experiments with one control (champion) and one treatment (challenger). */
export function isManaged(experiment: Pick<Experiment, 'kind' | 'variants'>): boolean {
  return (
    experiment.kind === 'model' &&
    experiment.variants.length === 2 &&
    experiment.variants[0].modelAlias === 'champion' &&
    experiment.variants[1].modelAlias === 'challenger'
  );
}

/** A plan from the API: missing members take the defaults; the rules the schema cannot express are 422. */
export function planFrom(input: Partial<RolloutPlan>): RolloutPlan {
  const plan: RolloutPlan = {
    ...DEFAULT_ROLLOUT_PLAN,
    ...input,
    thresholds: input.thresholds ?? DEFAULT_ROLLOUT_PLAN.thresholds,
  };
  const errors: Array<{ pointer: string; message: string }> = [];
  plan.steps.forEach((step, i) => {
    if (i > 0 && step <= plan.steps[i - 1]) errors.push({ pointer: `/steps/${i}`, message: 'steps rise: each weight above the one before' });
  });
  if (!plan.thresholds.p95LatencyMs && !plan.thresholds.errorRate) {
    errors.push({ pointer: '/thresholds', message: 'at least one guardrail (p95LatencyMs or errorRate)' });
  }
  if (errors.length) throw problems.unprocessable('The rollout plan is not consistent.', errors);
  return plan;
}

/** The treatment weight of the next step above the current one, or null when the last step is reached. */
export function nextStep(plan: RolloutPlan, treatmentWeight: number): number | null {
  return plan.steps.find(step => step > treatmentWeight) ?? null;
}

type Flat = Record<string, string | number | boolean | null>;

const text = (value: string) => (value.length <= 500 ? value : `${value.slice(0, 499)}…`);

/** Audit evidence member names are at most 64 characters (long variant names are cut). */
export const evidenceKey = (name: string) => name.slice(0, 64);

/**
 * A guardrail evaluation as flat audit evidence (the contract's Evidence: at most 50 scalar members, strings up to
 * 500 characters): the verdict, each variant's numbers, each rule's status and sentence.
 */
export function evaluationEvidence(evaluation: GuardrailEvaluation, extra: Flat = {}): Flat {
  const flat: Flat = { ...extra, evaluatedAt: evaluation.evaluatedAt, guardrails: evaluation.status, errorRateScope: evaluation.errorRateScope };
  for (const observation of evaluation.observations) {
    flat[evidenceKey(`${observation.variant}.p95LatencyMs`)] = observation.p95LatencyMs;
    flat[evidenceKey(`${observation.variant}.errorRate`)] = observation.errorRate;
  }
  for (const verdict of evaluation.verdicts) {
    for (const check of verdict.checks) {
      if (Object.keys(flat).length >= 48) break;
      flat[evidenceKey(`${verdict.variantKey}.${check.guardrail}.${check.rule}`)] = check.status;
      flat[evidenceKey(`${verdict.variantKey}.${check.guardrail}.${check.rule}.evidence`)] = text(check.evidence);
    }
  }
  return flat;
}

export type { GuardrailObservation };
