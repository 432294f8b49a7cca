import {
  analyzeExperiment,
  ExperimentInput,
  ExperimentInputError,
} from './analyze';

function findNaN(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isNaN(value) ? [path] : [];
  if (Array.isArray(value))
    return value.flatMap((v, i) => findNaN(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      findNaN(v, `${path}.${k}`),
    );
  }
  return [];
}

const base: ExperimentInput = {
  controlKey: 'control',
  metrics: [
    { key: 'conversion', kind: 'proportion' },
    { key: 'revenue', kind: 'mean' },
  ],
  variants: [
    {
      key: 'control',
      weight: 0.5,
      users: 1000,
      metrics: {
        conversion: { successes: 100 },
        revenue: { sum: 5000, sumSquares: 125000 },
      },
    },
    {
      key: 'treatment',
      weight: 0.5,
      users: 1000,
      metrics: {
        conversion: { successes: 120 },
        revenue: { sum: 5400, sumSquares: 140000 },
      },
    },
  ],
};

describe('analyzeExperiment', () => {
  it('puts the control first with no comparison, and reports every part', () => {
    const analysis = analyzeExperiment({
      ...base,
      variants: [...base.variants].reverse(),
      multipleExposureUsers: 4,
    });
    expect(analysis.alpha).toBe(0.05);
    for (const metric of analysis.metrics) {
      expect(metric.variants.map(v => v.variantKey)).toEqual([
        'control',
        'treatment',
      ]);
      expect(metric.variants[0].comparison).toBeNull();
      expect(metric.variants[1].comparison!.status).toBe('ok');
    }
    expect(analysis.srm.status).toBe('ok');
    expect(analysis.multipleExposures).toMatchObject({
      status: 'ok',
      exposedUsers: 2004,
    });
  });

  it('orients chance to beat control and expected loss for lower-is-better metrics', () => {
    const higher = analyzeExperiment(base).metrics[1].variants[1].comparison!;
    const lower = analyzeExperiment({
      ...base,
      metrics: [{ key: 'revenue', kind: 'mean', higherIsBetter: false }],
    }).metrics[0].variants[1].comparison!;
    expect(higher.bayesian!.chanceToBeatControl).toBeCloseTo(
      1 - lower.bayesian!.chanceToBeatControl,
      14,
    );
    expect(higher.bayesian!.expectedLoss).toBeCloseTo(
      lower.bayesian!.expectedLossOfControl,
      14,
    );
    expect(higher.frequentist!.pValue).toBe(lower.frequentist!.pValue);
  });

  it('gives clear results, never NaN, with zero users, zero means and zero variance', () => {
    const analysis = analyzeExperiment({
      controlKey: 'control',
      metrics: [
        { key: 'conversion', kind: 'proportion' },
        { key: 'revenue', kind: 'mean' },
      ],
      variants: [
        {
          key: 'control',
          weight: 1,
          users: 0,
          metrics: {
            conversion: { successes: 0 },
            revenue: { sum: 0, sumSquares: 0 },
          },
        },
        {
          key: 'b',
          weight: 1,
          users: 0,
          metrics: {
            conversion: { successes: 0 },
            revenue: { sum: 0, sumSquares: 0 },
          },
        },
        {
          key: 'c',
          weight: 1,
          users: 1,
          metrics: {
            conversion: { successes: 1 },
            revenue: { sum: 3, sumSquares: 9 },
          },
        },
      ],
      multipleExposureUsers: 0,
    });
    expect(findNaN(analysis)).toEqual([]);
    for (const metric of analysis.metrics) {
      for (const v of metric.variants.slice(1)) {
        expect(v.comparison).toMatchObject({
          status: 'not-computable',
          reason: 'no-units',
          lift: null,
          frequentist: null,
          bayesian: null,
        });
      }
    }
    expect(analysis.srm.status).toBe('not-enough-traffic');
    expect(analysis.multipleExposures.status).toBe('not-enough-traffic');
  });

  it('declines all-converted treatments (variance 0) but reports the observed lift', () => {
    const analysis = analyzeExperiment({
      ...base,
      metrics: [{ key: 'conversion', kind: 'proportion' }],
      variants: [
        base.variants[0],
        { ...base.variants[1], metrics: { conversion: { successes: 1000 } } },
      ],
    });
    const comparison = analysis.metrics[0].variants[1].comparison!;
    expect(comparison).toMatchObject({
      status: 'not-computable',
      reason: 'zero-variance',
    });
    expect(comparison.lift).toBeCloseTo(9, 12);
    expect(comparison).toMatchObject({
      message: expect.stringMatching(/variance/),
    });
  });

  it('uses exposures as trials for a per-exposure proportion', () => {
    const analysis = analyzeExperiment({
      ...base,
      metrics: [{ key: 'ctr', kind: 'proportion' }],
      variants: base.variants.map((v, i) => ({
        ...v,
        metrics: { ctr: { successes: 300 + 30 * i, trials: 6000 } },
      })),
    });
    expect(analysis.metrics[0].variants.map(v => [v.n, v.mean])).toEqual([
      [6000, 0.05],
      [6000, 0.055],
    ]);
  });

  it('rejects malformed input', () => {
    const bad = (patch: Partial<ExperimentInput>) => () =>
      analyzeExperiment({ ...base, ...patch });
    expect(bad({ controlKey: 'nope' })).toThrow(ExperimentInputError);
    expect(bad({ variants: [base.variants[0]] })).toThrow(/two variants/);
    expect(bad({ variants: [base.variants[0], base.variants[0]] })).toThrow(
      /Duplicate variant/,
    );
    expect(
      bad({ variants: [base.variants[0], { ...base.variants[1], users: -1 }] }),
    ).toThrow(/users/);
    expect(
      bad({
        variants: [base.variants[0], { ...base.variants[1], metrics: {} }],
      }),
    ).toThrow(/No data/);
    expect(
      bad({
        variants: [
          base.variants[0],
          {
            ...base.variants[1],
            metrics: {
              ...base.variants[1].metrics,
              conversion: { successes: 2000 },
            },
          },
        ],
      }),
    ).toThrow(/exceed trials/);
    expect(bad({ options: { alpha: 1.5 } })).toThrow(/alpha/);
    expect(bad({ metrics: [{ key: 'x', kind: 'ratio' as never }] })).toThrow(
      /unknown kind|No data/,
    );
  });
});
