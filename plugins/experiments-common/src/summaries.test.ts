import type { ExperimentAnalysis } from '@platform/experiment-stats';
import { guardrailStateOf, normalizeGroupRef, rampHistoryOf, splitOf, verdictOf } from './summaries';
import type { AuditEntry, Experiment, ExperimentResults } from './types';

function analysis(overrides: Partial<ExperimentAnalysis> = {}, lift = 0.12, significant = true): ExperimentAnalysis {
  return {
    controlKey: 'control',
    alpha: 0.05,
    metrics: [
      {
        key: 'ctr',
        kind: 'proportion',
        higherIsBetter: true,
        variants: [
          { variantKey: 'control', isControl: true, n: 900, mean: 0.1, variance: 0.09, comparison: null },
          {
            variantKey: 'treatment',
            isControl: false,
            n: 100,
            mean: 0.112,
            variance: 0.1,
            comparison: {
              status: 'ok',
              lift,
              absoluteDifference: 0.012,
              frequentist: { lift, stdErr: 0.03, ci: [0.02, 0.22], pValue: significant ? 0.01 : 0.3, tStatistic: 4, degreesOfFreedom: 200, significant },
              bayesian: { liftMean: lift, liftStdDev: 0.03, chanceToBeatControl: 0.99, expectedLoss: 0.0001, expectedLossOfControl: 0.1, credibleInterval: [0.02, 0.22] },
            },
          },
        ],
      },
    ],
    srm: { status: 'ok', flagged: false, pValue: 0.4, chiSquare: 0.7, degreesOfFreedom: 1, threshold: 0.001, totalUsers: 1000, variants: [] },
    multipleExposures: { status: 'ok', flagged: false, multipleExposureUsers: 0, exposedUsers: 1000, share: 0, threshold: 0.01 },
    ...overrides,
  };
}

const running = { status: 'running', winner: undefined } as Pick<Experiment, 'status' | 'winner'>;
const results = (a: ExperimentAnalysis, guardrails: ExperimentResults['guardrails'] = null): ExperimentResults => ({
  experimentKey: 'recommendation-ranking',
  computedAt: '2026-03-02T10:00:00Z',
  status: 'running',
  weights: [{ variant: 'control', weight: 90 }, { variant: 'treatment', weight: 10 }],
  expectedWeights: [{ variant: 'control', weight: 90 }, { variant: 'treatment', weight: 10 }],
  variants: [],
  analysis: a,
  daily: [],
  guardrails,
});

describe('summaries', () => {
  it('writes the split in the experiment order', () => {
    expect(splitOf([{ weight: 90 }, { weight: 10 }])).toBe('90/10');
    expect(splitOf([{ weight: 50 }, { weight: 30 }, { weight: 20 }])).toBe('50/30/20');
  });

  it('gives the verdict on the primary metric, and distrusts a sample ratio mismatch', () => {
    expect(verdictOf(running, results(analysis()))).toEqual({ kind: 'winner', text: 'treatment wins on ctr (+12%)' });
    expect(verdictOf(running, results(analysis({}, -0.08)))).toMatchObject({ kind: 'loser', text: 'treatment loses on ctr (-8%)' });
    expect(verdictOf(running, results(analysis({}, 0.02, false))).kind).toBe('inconclusive');
    const srm = analysis({ srm: { ...analysis().srm, status: 'mismatch', flagged: true, pValue: 0.00001 } });
    expect(verdictOf(running, results(srm)).kind).toBe('srm');
    expect(verdictOf(running, null).kind).toBe('no-results');
    expect(verdictOf({ status: 'concluded', winner: 'treatment' }, null).text).toBe('Concluded: treatment shipped');
  });

  it('reduces the guardrail evaluation to its worst state', () => {
    const verdict = (status: 'held' | 'breached' | 'no-data') => ({ variantKey: 'treatment', status, checks: [] });
    expect(guardrailStateOf(null)).toBe('not-evaluated');
    expect(guardrailStateOf({ status: 'held', verdicts: [verdict('held')] })).toBe('held');
    expect(guardrailStateOf({ status: 'breached', verdicts: [verdict('held'), verdict('breached')] })).toBe('breached');
    expect(guardrailStateOf({ status: 'held', verdicts: [verdict('no-data')] })).toBe('no-data');
  });

  it('lists the start and the ramps with who made them', () => {
    const experiment = (weights: number[]) => ({ variants: weights.map((weight, i) => ({ name: `v${i}`, weight })) }) as Experiment;
    const audit = [
      { id: 1, action: 'create', at: 't0', actor: { sub: 'demo-seed', roles: ['admin'] }, before: null, after: experiment([90, 10]), reason: null, evidence: null },
      { id: 2, action: 'ramp', at: 't1', actor: { sub: 'backstage-portal', roles: ['service'] }, before: experiment([90, 10]), after: experiment([80, 20]), reason: 'healthy', evidence: { portalUser: 'user:default/ada' } },
      { id: 3, action: 'stop', at: 't2', actor: { sub: 'rollout-controller', roles: ['service'] }, before: experiment([80, 20]), after: experiment([80, 20]), reason: 'breach', evidence: null },
    ] as AuditEntry[];
    expect(rampHistoryOf(audit)).toEqual([
      { at: 't0', action: 'create', from: null, to: '90/10', by: 'demo-seed', reason: null },
      { at: 't1', action: 'ramp', from: '90/10', to: '80/20', by: 'user:default/ada', reason: 'healthy' },
    ]);
  });

  it('writes group refs in full', () => {
    expect(normalizeGroupRef('group:personalization-team')).toBe('group:default/personalization-team');
    expect(normalizeGroupRef('Group:Default/Personalization-Team')).toBe('group:default/personalization-team');
    expect(normalizeGroupRef('personalization-team')).toBe('group:default/personalization-team');
    expect(normalizeGroupRef('user:default/ada')).toBe('user:default/ada');
  });
});
