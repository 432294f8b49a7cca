import type { AuditEntry, Experiment, ExperimentResults, ExperimentsApi } from '@internal/plugin-experiments-common';
import { analyzeExperiment } from '@platform/experiment-stats';
import { ExperimentsApiError } from '../api';

export function experiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    key: 'recommendation-ranking',
    name: 'Ranking: champion vs challenger',
    hypothesis: 'The challenger ranks purchases higher',
    owner: 'group:personalization-team',
    kind: 'model',
    model: 'recommendation-ranker',
    seed: 'recommendation-ranking',
    status: 'running',
    variants: [
      { name: 'control', weight: 90, modelAlias: 'champion' },
      { name: 'treatment', weight: 10, modelAlias: 'challenger' },
    ],
    targeting: {},
    version: 2,
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:05:00.000Z',
    startedAt: '2026-03-01T09:05:00.000Z',
    stoppedAt: null,
    concludedAt: null,
    ...overrides,
  };
}

/**
 * Results as the results engine computes them: the real analyzeExperiment on fixed counts. `treatmentUsers` far
 * from the 10 % the weights ask for makes a sample ratio mismatch.
 */
export function resultsOf(key: string, { treatmentUsers = 1000, treatmentClicks = 140 } = {}): ExperimentResults {
  const analysis = analyzeExperiment({
    controlKey: 'control',
    variants: [
      { key: 'control', weight: 90, users: 9000, metrics: { ctr: { successes: 900 }, revenuePerUser: { sum: 18000, sumSquares: 90000 } } },
      {
        key: 'treatment',
        weight: 10,
        users: treatmentUsers,
        metrics: { ctr: { successes: treatmentClicks }, revenuePerUser: { sum: treatmentUsers * 2.1, sumSquares: treatmentUsers * 10 } },
      },
    ],
    metrics: [
      { key: 'ctr', kind: 'proportion' },
      { key: 'revenuePerUser', kind: 'mean' },
    ],
  });
  return {
    experimentKey: key,
    computedAt: '2026-03-03T10:00:00.000Z',
    status: 'running',
    weights: [{ variant: 'control', weight: 90 }, { variant: 'treatment', weight: 10 }],
    expectedWeights: [{ variant: 'control', weight: 90 }, { variant: 'treatment', weight: 10 }],
    variants: [
      { variant: 'control', users: 9000, exposures: 9000, clicks: 900, carts: 300, purchases: 200, purchasers: 180, revenue: 18000 },
      { variant: 'treatment', users: treatmentUsers, exposures: 1000, clicks: treatmentClicks, carts: 40, purchases: 25, purchasers: 24, revenue: treatmentUsers * 2.1 },
    ],
    analysis,
    daily: ['2026-03-01', '2026-03-02', '2026-03-03'].map((date, i) => ({
      date,
      variants: [
        { variant: 'control', users: 3000 * (i + 1), ctr: 0.1, conversionRate: 0.02, revenuePerUser: 2 },
        { variant: 'treatment', users: 333 * (i + 1), ctr: 0.14, conversionRate: 0.025, revenuePerUser: 2.1 },
      ],
    })),
    guardrails: {
      evaluatedAt: '2026-03-03T09:55:00.000Z',
      status: 'held',
      observations: [
        { variant: 'control', p95LatencyMs: 61, errorRate: 0.001 },
        { variant: 'treatment', p95LatencyMs: 64, errorRate: 0.001 },
      ],
      errorRateScope: 'service',
      verdicts: [{ variantKey: 'treatment', status: 'held', checks: [] }],
    },
  };
}

export function auditOf(e: Experiment): AuditEntry[] {
  const created = { ...e, status: 'draft' as const, version: 1 };
  return [
    { id: 1, experimentKey: e.key, at: '2026-03-01T09:00:00.000Z', actor: { sub: 'demo-seed', roles: ['admin'] }, action: 'create', before: null, after: created, reason: null, evidence: null },
    { id: 2, experimentKey: e.key, at: '2026-03-01T09:05:00.000Z', actor: { sub: 'demo-seed', roles: ['admin'] }, action: 'start', before: created, after: e, reason: 'demo', evidence: null },
  ];
}

/** An in-memory ExperimentsApi; records the calls the components make. */
export function createFakeExperimentsApi(
  experiments: Experiment[] = [experiment()],
  results: Record<string, ExperimentResults | null | Error> = { 'recommendation-ranking': resultsOf('recommendation-ranking') },
) {
  const state = { experiments: experiments.map(e => ({ ...e })), audit: {} as Record<string, AuditEntry[]> };
  for (const e of state.experiments) state.audit[e.key] = auditOf(e);
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const find = (key: string) => {
    const found = state.experiments.find(e => e.key === key);
    if (!found) throw new ExperimentsApiError(404, `No experiment ${key}.`);
    return found;
  };
  const change = (key: string, action: AuditEntry['action'], apply: (e: Experiment) => void, reason: string | null) => {
    const e = find(key);
    const before = { ...e, variants: e.variants.map(v => ({ ...v })) };
    apply(e);
    e.version += 1;
    state.audit[key].push({
      id: state.audit[key].length + 1,
      experimentKey: key,
      at: '2026-03-03T12:00:00.000Z',
      actor: { sub: 'backstage-portal', roles: ['service'] },
      action,
      before,
      after: { ...e, variants: e.variants.map(v => ({ ...v })) },
      reason,
      evidence: { portalUser: 'user:default/guest', via: 'backstage-portal' },
    });
    return { ...e };
  };
  const api: ExperimentsApi = {
    async listExperiments(filter = {}) {
      calls.push({ method: 'listExperiments', args: [filter] });
      return state.experiments.filter(e => !filter.status || e.status === filter.status).map(e => ({ ...e }));
    },
    async getExperiment(key) {
      calls.push({ method: 'getExperiment', args: [key] });
      return { ...find(key) };
    },
    async getAudit(key) {
      calls.push({ method: 'getAudit', args: [key] });
      return [...(state.audit[key] ?? [])];
    },
    async getResults(key) {
      calls.push({ method: 'getResults', args: [key] });
      const r = results[key];
      if (r instanceof Error) throw r;
      return r ?? null;
    },
    async start(key, request = {}) {
      calls.push({ method: 'start', args: [key, request] });
      return change(key, 'start', e => (e.status = 'running'), request.reason ?? null);
    },
    async ramp(key, request) {
      calls.push({ method: 'ramp', args: [key, request] });
      return change(key, 'ramp', e => (e.variants = e.variants.map(v => ({ ...v, weight: request.variants.find(n => n.name === v.name)!.weight }))), request.reason);
    },
    async stop(key, request) {
      calls.push({ method: 'stop', args: [key, request] });
      return change(key, 'stop', e => (e.status = 'stopped'), request.reason);
    },
    async conclude(key, request) {
      calls.push({ method: 'conclude', args: [key, request] });
      return change(key, 'conclude', e => Object.assign(e, { status: 'concluded', winner: request.winner }), request.reason);
    },
  };
  return { api, calls, state };
}
