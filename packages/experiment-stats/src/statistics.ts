/**
 * Per-variant summary statistics and the two comparisons of a treatment with the
 * control: the frequentist Welch t-test on the relative lift and the Bayesian
 * chance to beat control and expected loss. These follow GrowthBook's gbstats
 * 0.8.0 (`TwoSidedTTest`, `EffectBayesianABTest`, `ProportionStatistic`,
 * `SampleMeanStatistic`); docs/experiment-statistics.md gives the formulas.
 *
 * @packageDocumentation
 */

import {
  normalCdf,
  normalPdf,
  normalPpf,
  studentTIsf,
  studentTSf,
} from './distributions';

/** The per-unit summary of one metric in one variant. */
export interface SampleStatistic {
  /** Units (users, or exposures for a per-exposure proportion) in the variant. */
  n: number;
  /** Sample mean per unit (0 when n = 0). */
  mean: number;
  /** Sample variance per unit (not of the mean; 0 when it cannot be estimated). */
  variance: number;
}

/**
 * A proportion metric: `successes` out of `trials` Bernoulli trials. Variance
 * p(1 − p), as gbstats' `ProportionStatistic` (no n/(n − 1) correction).
 */
export function proportionStatistic(
  successes: number,
  trials: number,
): SampleStatistic {
  const mean = trials === 0 ? 0 : successes / trials;
  return { n: trials, mean, variance: mean * (1 - mean) };
}

/**
 * A mean metric from its sufficient statistics: n, Σx and Σx². Sample variance
 * (Σx² − (Σx)²/n)/(n − 1), 0 when n ≤ 1, as gbstats' `SampleMeanStatistic`.
 */
export function meanStatistic(
  n: number,
  sum: number,
  sumSquares: number,
): SampleStatistic {
  const mean = n === 0 ? 0 : sum / n;
  const variance = n <= 1 ? 0 : (sumSquares - (sum * sum) / n) / (n - 1);
  return { n, mean, variance };
}

/** Why a comparison with the control could not be computed. */
export type NotComputableReason =
  /** The control or the treatment has no units. */
  | 'no-units'
  /** The control mean is 0, so a relative lift is undefined. */
  | 'baseline-zero'
  /** A variance is 0 or negative (constant values, or inconsistent sums). */
  | 'zero-variance';

const REASON_MESSAGES: Record<NotComputableReason, string> = {
  'no-units': 'The control or the treatment has no units yet.',
  'baseline-zero': 'The control mean is 0, so the relative lift is undefined.',
  'zero-variance':
    'A variant has zero (or negative) variance: every value is equal, or the sums are inconsistent.',
};

/** A human-readable sentence for a reason, for the portal. */
export function notComputableMessage(reason: NotComputableReason): string {
  return REASON_MESSAGES[reason];
}

/**
 * The reason a relative comparison cannot be made, or null when it can. The
 * conditions are those under which gbstats returns its uninformative default
 * (NO_UNITS_IN_VARIATION, ZERO_NEGATIVE_BASELINE_VARIATION, ZERO_NEGATIVE_VARIANCE).
 */
export function notComputableReason(
  control: SampleStatistic,
  treatment: SampleStatistic,
): NotComputableReason | null {
  if (control.n === 0 || treatment.n === 0) return 'no-units';
  if (control.mean === 0) return 'baseline-zero';
  if (!(control.variance > 0) || !(treatment.variance > 0)) {
    return 'zero-variance';
  }
  return null;
}

/** The relative lift and its delta-method sampling variance. */
export interface RelativeEffect {
  /** (μ_T − μ_C) / μ_C */
  lift: number;
  /** σ²_T / (μ_C² n_T) + σ²_C μ_T² / (μ_C⁴ n_C) */
  variance: number;
  /** √variance */
  stdErr: number;
}

/** Relative lift of treatment over control with its delta-method variance. */
export function relativeEffect(
  control: SampleStatistic,
  treatment: SampleStatistic,
): RelativeEffect {
  const mc = control.mean;
  const mt = treatment.mean;
  const lift = (mt - mc) / mc;
  const variance =
    treatment.variance / (mc * mc * treatment.n) +
    (control.variance * mt * mt) / (mc * mc * mc * mc * control.n);
  return { lift, variance, stdErr: Math.sqrt(variance) };
}

/**
 * Welch–Satterthwaite degrees of freedom, computed on the variances of the two
 * means (σ²/n), as gbstats does — not on the delta-method variance of the lift.
 */
export function welchDegreesOfFreedom(
  control: SampleStatistic,
  treatment: SampleStatistic,
): number {
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  return (
    (vc + vt) ** 2 /
    ((vt * vt) / (treatment.n - 1) + (vc * vc) / (control.n - 1))
  );
}

/** Frequentist result for one treatment against the control. */
export interface FrequentistResult {
  /** Relative lift (point estimate). */
  lift: number;
  /** Standard error of the lift (delta method). */
  stdErr: number;
  /** Two-sided (1 − alpha) confidence interval of the lift, Student t quantile. */
  ci: [number, number];
  /** Two-sided p-value of H0: lift = 0. */
  pValue: number;
  /** lift / stdErr */
  tStatistic: number;
  /** Welch–Satterthwaite degrees of freedom. */
  degreesOfFreedom: number;
  /** pValue < alpha */
  significant: boolean;
}

/**
 * Two-sided Welch t-test on the relative lift with the delta-method variance
 * (gbstats `TwoSidedTTest`, difference_type "relative"). The caller must have
 * checked {@link notComputableReason} first.
 *
 * One deliberate difference: the p-value is 2·P(T > |t|) from the upper tail,
 * where gbstats computes 2·(1 − P(T ≤ |t|)), which rounds to 0 below about 1e-16.
 */
export function welchTTest(
  control: SampleStatistic,
  treatment: SampleStatistic,
  alpha: number,
): FrequentistResult {
  const { lift, stdErr } = relativeEffect(control, treatment);
  const df = welchDegreesOfFreedom(control, treatment);
  const tStatistic = lift / stdErr;
  const pValue = Math.min(1, 2 * studentTSf(Math.abs(tStatistic), df));
  const width = studentTIsf(alpha / 2, df) * stdErr;
  return {
    lift,
    stdErr,
    ci: [lift - width, lift + width],
    pValue,
    tStatistic,
    degreesOfFreedom: df,
    significant: pValue < alpha,
  };
}

/** A Gaussian prior on the relative lift (gbstats `GaussianPrior`). */
export interface GaussianPrior {
  mean: number;
  variance: number;
}

/** Bayesian result for one treatment against the control. */
export interface BayesianResult {
  /** Posterior mean of the relative lift. */
  liftMean: number;
  /** Posterior standard deviation of the relative lift. */
  liftStdDev: number;
  /**
   * P(treatment is better than control): P(lift > 0), or P(lift < 0) for a
   * metric where lower is better.
   */
  chanceToBeatControl: number;
  /**
   * Expected loss (GrowthBook's "risk") of shipping the treatment: the expected
   * relative lift given up if the control is in fact better,
   * E[max(−lift, 0)] (E[max(lift, 0)] when lower is better).
   */
  expectedLoss: number;
  /** Expected loss of keeping the control: E[max(lift, 0)] (mirrored when lower is better). */
  expectedLossOfControl: number;
  /** Equal-tailed (1 − alpha) credible interval of the lift, normal quantiles. */
  credibleInterval: [number, number];
}

/**
 * E[max(X, 0)] for X ~ N(μ, σ²): μΦ(μ/σ) + σφ(μ/σ). gbstats computes the same
 * quantity as P(X > 0)·E[X | X > 0] with scipy's truncated normal.
 */
function positivePartMean(mu: number, sigma: number): number {
  const z = mu / sigma;
  return Math.max(0, mu * normalCdf(z) + sigma * normalPdf(z));
}

/**
 * Bayesian effect test on the relative lift (gbstats `EffectBayesianABTest`):
 * the likelihood of the lift is N(lift, σ²_lift) from the delta method; with the
 * default improper (flat) prior the posterior is that normal itself, with a
 * proper Gaussian prior it is the precision-weighted combination. The caller must
 * have checked {@link notComputableReason} first.
 */
export function bayesianEffectTest(
  control: SampleStatistic,
  treatment: SampleStatistic,
  options: { alpha: number; higherIsBetter: boolean; prior?: GaussianPrior },
): BayesianResult {
  const { lift, variance } = relativeEffect(control, treatment);
  let mean = lift;
  let postVariance = variance;
  if (options.prior) {
    const precision = 1 / variance + 1 / options.prior.variance;
    mean =
      (lift / variance + options.prior.mean / options.prior.variance) /
      precision;
    postVariance = 1 / precision;
  }
  const sd = Math.sqrt(postVariance);
  const pUp = normalCdf(mean / sd); // P(lift > 0)
  const lossIfControl = positivePartMean(mean, sd); // E[max(lift, 0)]
  const lossIfTreatment = positivePartMean(-mean, sd); // E[max(-lift, 0)]
  const z = -normalPpf(options.alpha / 2);
  return {
    liftMean: mean,
    liftStdDev: sd,
    chanceToBeatControl: options.higherIsBetter ? pUp : normalCdf(-mean / sd),
    expectedLoss: options.higherIsBetter ? lossIfTreatment : lossIfControl,
    expectedLossOfControl: options.higherIsBetter
      ? lossIfControl
      : lossIfTreatment,
    credibleInterval: [mean - z * sd, mean + z * sd],
  };
}
