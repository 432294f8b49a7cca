import type { GuardrailObservation } from '@platform/experiment-stats';
import type { StoredExperiment } from '../experiments/ExperimentStore';

export interface GuardrailReadings {
  /** by variant name; a variant without numbers is missing or has nulls (its guardrails are then no-data) */
  observations: Record<string, GuardrailObservation>;
  /** `service`: the error rate is the whole service's (the same number for every variant) */
  errorRateScope: 'service' | 'variant';
}

/** Where the controller reads a model experiment's operational numbers (P95 latency, error rate) per variant. */
export interface GuardrailMetrics {
  observe(experiment: StoredExperiment): Promise<GuardrailReadings>;
}

/**
 * P95 latency per variant of the recommendation service's `recommendation_request_duration_seconds` histogram
 * (labels `variant`, `model_version`). `{window}` and `{service}` are filled in.
 */
export const DEFAULT_P95_QUERY =
  'histogram_quantile(0.95, sum by (le, variant) (rate(recommendation_request_duration_seconds_bucket{service="{service}"}[{window}])))';

/**
 * The recommendation service has no per-variant error counter: the error rate is the 5xx share of all its
 * `GET /recommendations` answers (the kit's `http_requests_total`), the same for every variant. `or vector(0)`:
 * no 5xx series at all means no errors, not no data; without any request the ratio is empty (no data).
 */
export const DEFAULT_ERROR_RATE_QUERY =
  '(sum(rate(http_requests_total{service="{service}",route="/recommendations",status=~"5.."}[{window}])) or vector(0))' +
  ' / sum(rate(http_requests_total{service="{service}",route="/recommendations"}[{window}]))';

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export class PrometheusError extends Error {
  readonly name = 'PrometheusError';
}

/** Reads the guardrail numbers from Prometheus's HTTP API (`GET /api/v1/query`, instant queries). */
export class PrometheusGuardrailMetrics implements GuardrailMetrics {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly options: { window?: string; service?: string; p95Query?: string; errorRateQuery?: string; timeoutMs?: number } = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  private fill(template: string): string {
    return template.split('{window}').join(this.options.window ?? '5m').split('{service}').join(this.options.service ?? 'recommendation-service');
  }

  /** The queries as sent (for evidence and docs). */
  get queries() {
    return {
      p95LatencySeconds: this.fill(this.options.p95Query ?? DEFAULT_P95_QUERY),
      errorRate: this.fill(this.options.errorRateQuery ?? DEFAULT_ERROR_RATE_QUERY),
    };
  }

  async query(promql: string): Promise<VectorSample[]> {
    const url = `${this.baseUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000) });
    const body = (await response.json().catch(() => null)) as
      | { status: string; error?: string; data?: { resultType: string; result: VectorSample[] } }
      | null;
    if (!response.ok || body?.status !== 'success' || !body.data) {
      throw new PrometheusError(`Prometheus answered ${response.status} to ${promql}: ${body?.error ?? 'no result'}`);
    }
    if (body.data.resultType !== 'vector') throw new PrometheusError(`expected a vector from ${promql}, got ${body.data.resultType}`);
    return body.data.result;
  }

  async observe(experiment: StoredExperiment): Promise<GuardrailReadings> {
    const { p95LatencySeconds, errorRate } = this.queries;
    const [latency, errors] = await Promise.all([this.query(p95LatencySeconds), this.query(errorRate)]);
    const number = (sample: VectorSample | undefined) => {
      const value = sample ? Number(sample.value[1]) : NaN;
      return Number.isFinite(value) ? value : null;
    };
    const serviceErrorRate = number(errors[0]);
    const observations: Record<string, GuardrailObservation> = {};
    for (const { name } of experiment.variants) {
      const seconds = number(latency.find(sample => sample.metric.variant === name));
      observations[name] = { p95LatencyMs: seconds === null ? null : seconds * 1000, errorRate: serviceErrorRate };
    }
    return { observations, errorRateScope: 'service' };
  }
}
