/**
 * Shapes of the A/B testing API (catalog-info/apis/ab-testing-api.openapi.yaml) as the portal passes them through;
 * the results' analysis is `analyzeExperiment`'s output (@platform/experiment-stats).
 */
import type {
  ExperimentAnalysis,
  GuardrailStatus,
  GuardrailVerdict,
} from '@platform/experiment-stats';

export type { ExperimentAnalysis, GuardrailStatus, GuardrailVerdict } from '@platform/experiment-stats';
export type {
  Comparison,
  MetricResult,
  MultipleExposureResult,
  SrmResult,
  VariantMetricResult,
} from '@platform/experiment-stats';

/** The catalog annotation listing an entity's experiments: keys separated by commas. */
export const EXPERIMENTS_ANNOTATION = 'platform.example.com/experiments';

export type ExperimentStatus = 'draft' | 'running' | 'stopped' | 'concluded';
export type ExperimentKind = 'feature' | 'model';
export type ModelAlias = 'champion' | 'challenger';

export interface Variant {
  name: string;
  /** percent, an integer; an experiment's weights sum to 100 */
  weight: number;
  modelAlias?: ModelAlias;
}

export interface Experiment {
  key: string;
  name: string;
  hypothesis: string;
  /** a catalog group ref, e.g. `group:personalization-team` */
  owner: string;
  kind: ExperimentKind;
  model?: string;
  seed: string;
  status: ExperimentStatus;
  /** the first is control */
  variants: Variant[];
  targeting: { countries?: string[]; platforms?: Array<'web' | 'ios' | 'android'> };
  winner?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  concludedAt: string | null;
}

/** `pause`, `plan` and `rollback` are the rollout controller's notes: they change nothing (before = after). */
export type AuditAction = 'create' | 'update' | 'start' | 'ramp' | 'stop' | 'conclude' | 'pause' | 'plan' | 'rollback';

export interface AuditEntry {
  id: number;
  experimentKey: string;
  at: string;
  /** the token's subject and roles: `backstage-portal` for changes made in the portal (the user is in `evidence`) */
  actor: { sub: string; roles: string[] };
  action: AuditAction;
  before: Experiment | null;
  after: Experiment;
  reason: string | null;
  evidence: Record<string, string | number | boolean | null> | null;
}

/** One day of the daily series: cumulative figures per variant up to the end of that UTC day. */
export interface DailyResult {
  date: string;
  variants: Array<{
    variant: string;
    users: number;
    /** rates are null when their denominator is 0 */
    ctr: number | null;
    conversionRate: number | null;
    revenuePerUser: number | null;
  }>;
}

export interface VariantWeight {
  variant: string;
  weight: number;
}

/** Totals over the analysed users of one variant. */
export interface VariantTotals {
  variant: string;
  users: number;
  exposures: number;
  clicks: number;
  carts: number;
  purchases: number;
  purchasers: number;
  revenue: number;
}

/** The rollout controller's latest evaluation of a model experiment's guardrails (`evaluateGuardrails`). */
export interface GuardrailEvaluation {
  evaluatedAt: string;
  status: GuardrailStatus;
  observations: Array<{ variant: string; p95LatencyMs: number | null; errorRate: number | null }>;
  /** `service`: the error rate is the recommendation service's overall 5xx ratio */
  errorRateScope: 'service' | 'variant';
  verdicts: GuardrailVerdict[];
}

/** `GET /experiments/{key}/results`, computed on request by the A/B testing service. */
export interface ExperimentResults {
  experimentKey: string;
  computedAt: string;
  status: ExperimentStatus;
  /** the current weights, in the experiment's variant order */
  weights: VariantWeight[];
  /** the split the SRM check expects, from the weight phases the users entered in */
  expectedWeights: VariantWeight[];
  variants: VariantTotals[];
  analysis: ExperimentAnalysis;
  daily: DailyResult[];
  /** null before the rollout controller's first evaluation */
  guardrails: GuardrailEvaluation | null;
}

export interface ExperimentFilter {
  status?: ExperimentStatus;
  kind?: ExperimentKind;
  owner?: string;
}

export interface RampRequest {
  /** every variant once, with its new weight (whole percents summing to 100) */
  variants: Array<{ name: string; weight: number }>;
  reason: string;
}

/**
 * What the portal's experiments backend offers (`/api/experiments`); the frontend client implements it over HTTP
 * and tests implement it in memory.
 */
export interface ExperimentsApi {
  listExperiments(filter?: ExperimentFilter): Promise<Experiment[]>;
  getExperiment(key: string): Promise<Experiment>;
  getAudit(key: string): Promise<AuditEntry[]>;
  /** null when the service has no results for the experiment (yet) */
  getResults(key: string): Promise<ExperimentResults | null>;
  start(key: string, request?: { reason?: string }): Promise<Experiment>;
  ramp(key: string, request: RampRequest): Promise<Experiment>;
  stop(key: string, request: { reason: string }): Promise<Experiment>;
  conclude(key: string, request: { winner: string; reason: string }): Promise<Experiment>;
}
