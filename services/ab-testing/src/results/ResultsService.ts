import { analyzeExperiment, type ExperimentAnalysis, type MetricDefinition } from '@platform/experiment-stats';
import type { ExperimentStore, StoredExperiment } from '../experiments/ExperimentStore';
import type { ExperimentStatus } from '../experiments/model';
import type { GuardrailEvaluation } from '../rollout/plan';
import type { ResultsAggregates, ResultsSource } from './ResultsSource';

/** The metrics of every experiment's results, as analyzeExperiment gets them. */
export const RESULT_METRICS: MetricDefinition[] = [
  /** clicks / exposures (views carrying the experiment) */
  { key: 'ctr', kind: 'proportion' },
  /** purchasers / users */
  { key: 'conversionRate', kind: 'proportion' },
  /** revenue per user (currency main unit), from Σx and Σx² over users */
  { key: 'revenuePerUser', kind: 'mean' },
];

export interface VariantTotals {
  variant: string;
  users: number;
  exposures: number;
  clicks: number;
  carts: number;
  purchases: number;
  purchasers: number;
  /** currency main unit */
  revenue: number;
}

export interface DailyVariant {
  variant: string;
  users: number;
  ctr: number | null;
  conversionRate: number | null;
  revenuePerUser: number | null;
}

export interface ExperimentResults {
  experimentKey: string;
  computedAt: string;
  status: ExperimentStatus;
  weights: Array<{ variant: string; weight: number }>;
  /** the weights the SRM check expects the analysed users in: each weight phase's weights × its users */
  expectedWeights: Array<{ variant: string; weight: number }>;
  variants: VariantTotals[];
  analysis: ExperimentAnalysis;
  daily: Array<{ date: string; variants: DailyVariant[] }>;
  guardrails: GuardrailEvaluation | null;
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

/**
 * The weights of each phase of a running experiment: the weights it started with, then each ramp's. Returned as the
 * start of every phase after the first (for ResultsSource) and the weights of every phase.
 */
export async function weightPhases(store: ExperimentStore, experiment: StoredExperiment) {
  const log = await store.auditLog(experiment.key);
  const phases: Array<{ from: Date | null; weights: Record<string, number> }> = [];
  const weightsOf = (variants: Array<{ name: string; weight: number }>) =>
    Object.fromEntries(variants.map(variant => [variant.name, variant.weight]));
  for (const entry of log) {
    if (entry.action === 'start') phases.push({ from: null, weights: weightsOf(entry.after.variants) });
    else if (entry.action === 'ramp') phases.push({ from: new Date(entry.at), weights: weightsOf(entry.after.variants) });
  }
  if (!phases.length) phases.push({ from: null, weights: weightsOf(experiment.variants) });
  return { phaseStarts: phases.slice(1).map(phase => phase.from!), weights: phases.map(phase => phase.weights) };
}

/**
 * The expected split of the analysed users: Σ over phases of the phase's users × its weights. A ramp does not
 * move assigned users, so after 90/10 → 50/50 the users are a mix of both splits, not 50/50; checking them
 * against the current weights would flag a mismatch that is not one. Without users: the current weights.
 */
export function expectedWeights(
  experiment: StoredExperiment,
  phaseWeights: Array<Record<string, number>>,
  usersByPhase: ResultsAggregates['usersByPhase'],
): Record<string, number> {
  const expected: Record<string, number> = Object.fromEntries(experiment.variants.map(v => [v.name, 0]));
  let total = 0;
  usersByPhase.forEach((users, phase) => {
    const n = Object.values(users).reduce((sum, x) => sum + x, 0);
    const weights = phaseWeights[phase] ?? phaseWeights[phaseWeights.length - 1];
    const sum = Object.values(weights).reduce((s, w) => s + w, 0);
    if (!n || !sum) return;
    total += n;
    for (const name of Object.keys(expected)) expected[name] += (n * (weights[name] ?? 0)) / sum;
  });
  if (!total) return Object.fromEntries(experiment.variants.map(v => [v.name, v.weight]));
  // on the percent scale, for people reading it
  for (const name of Object.keys(expected)) expected[name] = (expected[name] / total) * 100;
  return expected;
}

/** An experiment's results: the source's aggregates analysed by @platform/experiment-stats. */
export class ResultsService {
  constructor(
    private readonly store: ExperimentStore,
    private readonly source: ResultsSource,
    private readonly latestGuardrails: (experiment: StoredExperiment) => Promise<GuardrailEvaluation | null> = async () => null,
  ) {}

  async results(key: string): Promise<ExperimentResults> {
    const experiment = await this.store.require(key);
    const phases = await weightPhases(this.store, experiment);
    const [aggregates, guardrails] = await Promise.all([
      this.source.aggregates(experiment, { phaseStarts: phases.phaseStarts }),
      this.latestGuardrails(experiment),
    ]);
    const expected = expectedWeights(experiment, phases.weights, aggregates.usersByPhase);
    const control = experiment.variants[0].name;
    const analysis = analyzeExperiment({
      controlKey: control,
      variants: aggregates.variants.map(v => ({
        key: v.variant,
        weight: expected[v.variant],
        users: v.users,
        metrics: {
          // a click without a recorded view counts as its own exposure (successes never exceed trials)
          ctr: { successes: v.clicks, trials: Math.max(v.exposures, v.clicks) },
          conversionRate: { successes: v.purchasers },
          revenuePerUser: { sum: v.revenueCents / 100, sumSquares: v.revenueCentsSquares / 10_000 },
        },
      })),
      metrics: RESULT_METRICS,
      multipleExposureUsers: aggregates.multipleExposureUsers,
    });

    const running = new Map(experiment.variants.map(v => [v.name, { users: 0, purchasers: 0, exposures: 0, clicks: 0, revenueCents: 0 }]));
    const dates = [...new Set(aggregates.daily.map(day => day.date))].sort();
    const daily = dates.map(date => {
      for (const day of aggregates.daily.filter(d => d.date === date)) {
        const sums = running.get(day.variant);
        if (!sums) continue;
        sums.users += day.newUsers;
        sums.purchasers += day.newPurchasers;
        sums.exposures += day.exposures;
        sums.clicks += day.clicks;
        sums.revenueCents += day.revenueCents;
      }
      return {
        date,
        variants: [...running.entries()].map(([variant, sums]) => ({
          variant,
          users: sums.users,
          ctr: ratio(sums.clicks, Math.max(sums.exposures, sums.clicks)),
          conversionRate: ratio(sums.purchasers, sums.users),
          revenuePerUser: ratio(sums.revenueCents / 100, sums.users),
        })),
      };
    });

    return {
      experimentKey: experiment.key,
      computedAt: new Date().toISOString(),
      status: experiment.status,
      weights: experiment.variants.map(v => ({ variant: v.name, weight: v.weight })),
      expectedWeights: experiment.variants.map(v => ({ variant: v.name, weight: expected[v.name] })),
      variants: aggregates.variants.map(v => ({
        variant: v.variant,
        users: v.users,
        exposures: v.exposures,
        clicks: v.clicks,
        carts: v.carts,
        purchases: v.purchases,
        purchasers: v.purchasers,
        revenue: v.revenueCents / 100,
      })),
      analysis,
      daily,
      guardrails,
    };
  }
}
