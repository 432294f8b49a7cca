/**
 * `analyzeExperiment`: the results of an A/B experiment from per-variant
 * sufficient statistics — for every treatment and metric the relative lift with
 * its frequentist confidence interval and p-value and its Bayesian chance to
 * beat control and expected loss, plus the SRM and multiple-exposure checks.
 *
 * @packageDocumentation
 */

import {
  checkMultipleExposures,
  checkSampleRatio,
  MultipleExposureOptions,
  MultipleExposureResult,
  SrmOptions,
  SrmResult,
} from './health';
import {
  BayesianResult,
  bayesianEffectTest,
  FrequentistResult,
  GaussianPrior,
  meanStatistic,
  NotComputableReason,
  notComputableMessage,
  notComputableReason,
  proportionStatistic,
  SampleStatistic,
  welchTTest,
} from './statistics';

/** How a metric is aggregated per unit. */
export type MetricKind = 'proportion' | 'mean';

/** A metric of the experiment. */
export interface MetricDefinition {
  key: string;
  /**
   * `proportion`: successes / trials, e.g. conversion rate (converters / users)
   * or CTR (clicks / exposures); `mean`: a per-user mean from Σx and Σx², e.g.
   * revenue per user.
   */
  kind: MetricKind;
  /** false for metrics where a decrease is the improvement (latency, cost). Default true. */
  higherIsBetter?: boolean;
}

/** Data of a proportion metric in one variant. */
export interface ProportionMetricData {
  /** Converters, clicks, … */
  successes: number;
  /** Trials; defaults to the variant's users. For CTR pass the exposures. */
  trials?: number;
}

/** Data of a mean metric in one variant: its sufficient statistics. */
export interface MeanMetricData {
  /** Σx over the units. */
  sum: number;
  /** Σx² over the units. */
  sumSquares: number;
  /** Units; defaults to the variant's users. */
  n?: number;
}

export type MetricData = ProportionMetricData | MeanMetricData;

/** One variant of the experiment. */
export interface VariantInput {
  key: string;
  /** Configured traffic weight; any positive scale (0.5/0.5 or 50/50). */
  weight: number;
  /** Users assigned to (and analysed in) this variant. */
  users: number;
  /** Data of every metric, by metric key. */
  metrics: Record<string, MetricData>;
}

/** Options of {@link analyzeExperiment}. */
export interface AnalysisOptions {
  /** 1 − confidence level of the intervals; significance level. Default 0.05. */
  alpha?: number;
  /**
   * Proper Gaussian prior on the relative lift for the Bayesian results. By
   * default none (GrowthBook's default: an improper flat prior).
   */
  prior?: GaussianPrior;
  srm?: SrmOptions;
  multipleExposures?: MultipleExposureOptions;
}

/** Input of {@link analyzeExperiment}. */
export interface ExperimentInput {
  /** Key of the control (baseline) variant. */
  controlKey: string;
  variants: VariantInput[];
  metrics: MetricDefinition[];
  /**
   * Users exposed to more than one variant (excluded from the variant counts).
   * Omit when not measured.
   */
  multipleExposureUsers?: number;
  options?: AnalysisOptions;
}

/** A treatment's comparison with the control for one metric. */
export type Comparison =
  | {
      status: 'ok';
      /** Relative lift (μ_T − μ_C) / μ_C. */
      lift: number;
      /** μ_T − μ_C */
      absoluteDifference: number;
      frequentist: FrequentistResult;
      bayesian: BayesianResult;
    }
  | {
      status: 'not-computable';
      reason: NotComputableReason;
      message: string;
      /** The observed relative lift when the control mean is not 0, else null. */
      lift: number | null;
      absoluteDifference: number;
      frequentist: null;
      bayesian: null;
    };

/** One variant's result for one metric. */
export interface VariantMetricResult {
  variantKey: string;
  isControl: boolean;
  n: number;
  mean: number;
  /** Per-unit sample variance. */
  variance: number;
  /** Comparison with the control; null for the control itself. */
  comparison: Comparison | null;
}

/** One metric's results, control first then the treatments in input order. */
export interface MetricResult {
  key: string;
  kind: MetricKind;
  higherIsBetter: boolean;
  variants: VariantMetricResult[];
}

/** Output of {@link analyzeExperiment}. */
export interface ExperimentAnalysis {
  controlKey: string;
  alpha: number;
  metrics: MetricResult[];
  srm: SrmResult;
  multipleExposures: MultipleExposureResult;
}

/** Thrown for structurally invalid input (a caller bug, not a statistical edge case). */
export class ExperimentInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentInputError';
  }
}

function requireCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ExperimentInputError(
      `${what} must be a finite number ≥ 0, got ${String(value)}`,
    );
  }
  return value;
}

function requireFinite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ExperimentInputError(
      `${what} must be a finite number, got ${String(value)}`,
    );
  }
  return value;
}

function sampleStatistic(
  metric: MetricDefinition,
  variant: VariantInput,
): SampleStatistic {
  const data = variant.metrics?.[metric.key];
  const where = `variant "${variant.key}", metric "${metric.key}"`;
  if (!data || typeof data !== 'object') {
    throw new ExperimentInputError(`No data for ${where}`);
  }
  if (metric.kind === 'proportion') {
    const d = data as ProportionMetricData;
    const successes = requireCount(d.successes, `${where}: successes`);
    const trials = requireCount(d.trials ?? variant.users, `${where}: trials`);
    if (successes > trials) {
      throw new ExperimentInputError(
        `${where}: successes (${successes}) exceed trials (${trials})`,
      );
    }
    return proportionStatistic(successes, trials);
  }
  if (metric.kind === 'mean') {
    const d = data as MeanMetricData;
    const n = requireCount(d.n ?? variant.users, `${where}: n`);
    const sum = requireFinite(d.sum, `${where}: sum`);
    const sumSquares = requireCount(d.sumSquares, `${where}: sumSquares`);
    return meanStatistic(n, sum, sumSquares);
  }
  throw new ExperimentInputError(
    `Metric "${(metric as MetricDefinition).key}" has an unknown kind "${String(
      (metric as MetricDefinition).kind,
    )}"`,
  );
}

function compare(
  control: SampleStatistic,
  treatment: SampleStatistic,
  metric: MetricDefinition,
  alpha: number,
  prior: GaussianPrior | undefined,
): Comparison {
  const absoluteDifference = treatment.mean - control.mean;
  const reason = notComputableReason(control, treatment);
  if (reason) {
    return {
      status: 'not-computable',
      reason,
      message: notComputableMessage(reason),
      lift: control.mean !== 0 ? absoluteDifference / control.mean : null,
      absoluteDifference,
      frequentist: null,
      bayesian: null,
    };
  }
  const frequentist = welchTTest(control, treatment, alpha);
  const bayesian = bayesianEffectTest(control, treatment, {
    alpha,
    higherIsBetter: metric.higherIsBetter ?? true,
    prior,
  });
  return {
    status: 'ok',
    lift: frequentist.lift,
    absoluteDifference,
    frequentist,
    bayesian,
  };
}

function validate(input: ExperimentInput): void {
  if (!input || !Array.isArray(input.variants) || input.variants.length < 2) {
    throw new ExperimentInputError('An experiment needs at least two variants');
  }
  const keys = new Set<string>();
  for (const v of input.variants) {
    if (typeof v.key !== 'string' || v.key === '') {
      throw new ExperimentInputError('Every variant needs a non-empty key');
    }
    if (keys.has(v.key)) {
      throw new ExperimentInputError(`Duplicate variant key "${v.key}"`);
    }
    keys.add(v.key);
    requireCount(v.weight, `variant "${v.key}": weight`);
    requireCount(v.users, `variant "${v.key}": users`);
  }
  if (!keys.has(input.controlKey)) {
    throw new ExperimentInputError(
      `controlKey "${input.controlKey}" is not one of the variants`,
    );
  }
  if (!input.variants.some(v => v.weight > 0)) {
    throw new ExperimentInputError('At least one variant needs a weight > 0');
  }
  if (!Array.isArray(input.metrics)) {
    throw new ExperimentInputError('metrics must be an array');
  }
  const metricKeys = new Set<string>();
  for (const m of input.metrics) {
    if (metricKeys.has(m.key)) {
      throw new ExperimentInputError(`Duplicate metric key "${m.key}"`);
    }
    metricKeys.add(m.key);
  }
  const alpha = input.options?.alpha;
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) {
    throw new ExperimentInputError(`alpha must be in (0, 1), got ${alpha}`);
  }
  const prior = input.options?.prior;
  if (prior && !(Number.isFinite(prior.mean) && prior.variance > 0)) {
    throw new ExperimentInputError(
      'prior needs a finite mean and a variance > 0',
    );
  }
  if (input.multipleExposureUsers !== undefined) {
    requireCount(input.multipleExposureUsers, 'multipleExposureUsers');
  }
}

/**
 * Analyse an experiment. Pure and synchronous; throws
 * {@link ExperimentInputError} only for malformed input. Statistical edge cases
 * (no users, a zero control mean, zero variance) give a `not-computable`
 * comparison with a reason, never NaN.
 */
export function analyzeExperiment(input: ExperimentInput): ExperimentAnalysis {
  validate(input);
  const alpha = input.options?.alpha ?? 0.05;
  const prior = input.options?.prior;
  const control = input.variants.find(v => v.key === input.controlKey)!;
  const ordered = [
    control,
    ...input.variants.filter(v => v.key !== input.controlKey),
  ];

  const metrics: MetricResult[] = input.metrics.map(metric => {
    const controlStat = sampleStatistic(metric, control);
    return {
      key: metric.key,
      kind: metric.kind,
      higherIsBetter: metric.higherIsBetter ?? true,
      variants: ordered.map(v => {
        const isControl = v === control;
        const stat = isControl ? controlStat : sampleStatistic(metric, v);
        return {
          variantKey: v.key,
          isControl,
          n: stat.n,
          mean: stat.mean,
          variance: stat.variance,
          comparison: isControl
            ? null
            : compare(controlStat, stat, metric, alpha, prior),
        };
      }),
    };
  });

  const srm = checkSampleRatio(input.variants, input.options?.srm);
  const multipleExposures = checkMultipleExposures(
    input.multipleExposureUsers,
    srm.totalUsers,
    input.options?.multipleExposures,
  );
  return {
    controlKey: input.controlKey,
    alpha,
    metrics,
    srm,
    multipleExposures,
  };
}
