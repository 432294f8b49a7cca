/*
 * The engine against GrowthBook's gbstats 0.8.0: every number asserted here was
 * computed by gbstats/scipy (reference/generate.py → reference/gbstats-fixture.json),
 * never by this package.
 *
 * Tolerances. gbstats computes everything in closed form (t and normal
 * distributions, scipy's truncated normal for the risk, chi-square for SRM), no
 * simulation, so the Bayesian values are held to the same bound as the
 * frequentist ones: relative 1e-6, with an absolute floor of 1e-12 for values at
 * or near 0. The one exception is the p-value far in the tail: gbstats returns
 * 2·(1 − cdf), which cancels to 0 below ~1e-16, so our 2·sf is compared with
 * gbstats at the absolute floor and with scipy's 2·t.sf at relative 1e-6.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeExperiment, ExperimentInput } from './analyze';

interface ExpectedComparison {
  frequentist: {
    errorMessage: string | null;
    lift: number;
    stdErr: number;
    ciLower: number;
    ciUpper: number;
    pValue: number;
    pValueSf?: number;
    degreesOfFreedom?: number;
    tStatistic?: number;
  };
  bayesian: {
    errorMessage: string | null;
    chanceToWin: number;
    riskControl: number;
    riskTreatment: number;
    ciLower: number;
    ciUpper: number;
  };
}

interface ExpectedVariant extends Partial<ExpectedComparison> {
  n: number;
  mean: number;
  variance: number;
}

interface FixtureCase {
  name: string;
  description: string;
  input: ExperimentInput;
  expected: {
    srm: { pValue: number; chiSquare: number; pValueScipyChisquare?: number };
    metrics: Record<string, Record<string, ExpectedVariant>>;
  };
}

const fixture: { versions: Record<string, string>; cases: FixtureCase[] } =
  JSON.parse(
    readFileSync(
      join(__dirname, '..', 'reference', 'gbstats-fixture.json'),
      'utf8',
    ),
  );

/** control: no comparison; declined: gbstats returned its default; ok: computed. */
function classify(expected: ExpectedVariant): 'control' | 'declined' | 'ok' {
  if (!expected.frequentist || !expected.bayesian) return 'control';
  if (expected.frequentist.errorMessage || expected.bayesian.errorMessage) {
    return 'declined';
  }
  return 'ok';
}

const REL = 1e-6;
const ABS = 1e-12;

function expectClose(
  actual: number,
  expected: number,
  what: string,
  rel = REL,
  abs = ABS,
): void {
  const ok =
    Number.isFinite(actual) &&
    Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
  if (!ok) {
    throw new Error(
      `${what}: expected ${expected}, got ${actual} (|Δ| = ${Math.abs(
        actual - expected,
      )}, allowed ${abs + rel * Math.abs(expected)})`,
    );
  }
}

describe('the fixture', () => {
  it('was produced by gbstats 0.8.0 and has the required cases', () => {
    expect(fixture.versions.gbstats).toBe('0.8.0');
    expect(fixture.cases.length).toBeGreaterThanOrEqual(6);
  });
});

const analyses = new Map(
  fixture.cases.map(c => [c.name, analyzeExperiment(c.input)] as const),
);

const entries = fixture.cases.flatMap(testCase =>
  Object.entries(testCase.expected.metrics).flatMap(([metricKey, variants]) =>
    Object.entries(variants).map(([variantKey, expected]) => {
      const metric = analyses
        .get(testCase.name)!
        .metrics.find(m => m.key === metricKey)!;
      const result = metric.variants.find(v => v.variantKey === variantKey)!;
      return {
        label: `${testCase.name}: ${metricKey} / ${variantKey}`,
        kind: classify(expected),
        expected,
        result,
      };
    }),
  ),
);

const table = (kind: ReturnType<typeof classify>) =>
  entries.filter(e => e.kind === kind).map(e => [e.label, e] as const);

describe('against gbstats', () => {
  it.each(fixture.cases.map(c => [c.name, c] as const))(
    '%s: SRM p-value of check_srm',
    (name, testCase) => {
      const { srm } = testCase.expected;
      const analysis = analyses.get(name)!;
      expectClose(analysis.srm.pValue, srm.pValue, 'srm.pValue', REL, 0);
      expectClose(analysis.srm.chiSquare, srm.chiSquare, 'srm.chiSquare');
      if (srm.pValueScipyChisquare !== undefined) {
        expectClose(
          analysis.srm.pValue,
          srm.pValueScipyChisquare,
          'srm.pValue vs scipy.stats.chisquare',
          REL,
          0,
        );
      }
      expect(analysis.srm.flagged).toBe(
        analysis.srm.status !== 'not-enough-traffic' && srm.pValue < 0.001,
      );
    },
  );

  it.each(entries.map(e => [e.label, e] as const))(
    '%s: n, mean and variance',
    (_label, { expected, result }) => {
      expect(result.n).toBe(expected.n);
      expectClose(result.mean, expected.mean, 'mean');
      expectClose(result.variance, expected.variance, 'variance');
    },
  );

  it.each(table('control'))(
    '%s: the control has no comparison',
    (_label, { result }) => {
      expect(result.isControl).toBe(true);
      expect(result.comparison).toBeNull();
    },
  );

  // gbstats declines with its uninformative default; so do we, with a reason
  it.each(table('declined'))(
    '%s: declined, as gbstats declines it',
    (_label, { result }) => {
      expect(result.comparison).toMatchObject({
        status: 'not-computable',
        frequentist: null,
        bayesian: null,
      });
    },
  );

  it.each(table('ok'))(
    '%s: frequentist and Bayesian results',
    (_label, { expected, result }) => {
      const comparison = result.comparison!;
      expect(comparison.status).toBe('ok');
      if (comparison.status !== 'ok') return;
      const f = expected.frequentist!;
      const b = expected.bayesian!;
      const freq = comparison.frequentist;
      expectClose(comparison.lift, f.lift, 'lift');
      expectClose(freq.stdErr, f.stdErr, 'stdErr');
      expectClose(freq.ci[0], f.ciLower, 'ci lower');
      expectClose(freq.ci[1], f.ciUpper, 'ci upper');
      expectClose(
        freq.degreesOfFreedom,
        f.degreesOfFreedom!,
        'degrees of freedom',
      );
      expectClose(freq.tStatistic, f.tStatistic!, 't statistic');
      expectClose(freq.pValue, f.pValue, 'p-value vs gbstats', REL, ABS);
      expectClose(freq.pValue, f.pValueSf!, 'p-value vs scipy 2·t.sf', REL, 0);

      const bayes = comparison.bayesian;
      expectClose(bayes.chanceToBeatControl, b.chanceToWin, 'chance to win');
      expectClose(bayes.expectedLoss, b.riskTreatment, 'risk (treatment)');
      expectClose(bayes.expectedLossOfControl, b.riskControl, 'risk (control)');
      expectClose(bayes.credibleInterval[0], b.ciLower, 'credible lower');
      expectClose(bayes.credibleInterval[1], b.ciUpper, 'credible upper');
    },
  );
});

describe('fixture cases that exercise the checks', () => {
  const byName = (name: string) =>
    analyzeExperiment(fixture.cases.find(c => c.name === name)!.input);

  it('flags the sample ratio mismatch case', () => {
    const analysis = byName('sample-ratio-mismatch');
    expect(analysis.srm.status).toBe('mismatch');
    expect(analysis.srm.flagged).toBe(true);
  });

  it('does not flag unequal weights whose traffic follows them', () => {
    const analysis = byName('unequal-weights-three-variants');
    expect(analysis.srm.status).toBe('ok');
    expect(analysis.srm.variants.map(v => v.expectedShare)).toEqual([
      0.5, 0.25, 0.25,
    ]);
  });

  it('keeps the tail p-value that gbstats rounds to 0', () => {
    const analysis = byName('strong-effect-tiny-p-value');
    const comparison = analysis.metrics[0].variants[1].comparison!;
    expect(comparison.status).toBe('ok');
    expect(comparison.frequentist!.pValue).toBeGreaterThan(0);
    expect(comparison.frequentist!.pValue).toBeLessThan(1e-100);
  });

  it('gives reasons for the comparisons gbstats declines', () => {
    const analysis = byName('edge-zero-variance-and-empty');
    const reasons = Object.fromEntries(
      analysis.metrics.flatMap(m =>
        m.variants
          .filter(v => v.comparison)
          .map(v => [
            `${m.key}/${v.variantKey}`,
            v.comparison!.status === 'not-computable'
              ? v.comparison!.reason
              : 'ok',
          ]),
      ),
    );
    expect(reasons).toEqual({
      'conversion/empty': 'no-units',
      'conversion/treatment': 'baseline-zero',
      'revenue/empty': 'no-units',
      'revenue/treatment': 'zero-variance',
    });
  });
});
