import type { GoldenSignals, VariantSignals } from '@internal/plugin-model-registry-common';
import { SourceUnavailableError, causeOf } from './errors';

/** The golden signals of one service label, without the entity (the router adds it). */
export type ServiceSignals = Omit<GoldenSignals, 'entityRef'>;

/** Where the service Model tab reads a service's live request rate, P95 and error ratio. */
export interface GoldenSignalsSource {
  signals(service: string): Promise<ServiceSignals>;
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The kit's operational routes, not the service's API: left out of rate, P95 and errors. */
const OPERATIONAL_ROUTES = '/metrics|/healthz|/readyz';

/** A Prometheus label value inside double quotes. */
function quoted(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The queries for the series labelled `service="<service>"` (infra/local/prometheus.yml labels every target so):
 * the kit's `http_requests_total` and `http_request_duration_seconds` for the whole service, and the recommendation
 * service's `recommendation_request_duration_seconds{variant,model_version}` per variant.
 */
export function goldenSignalQueries(service: string, window: string): Record<string, string> {
  const api = `service="${quoted(service)}",route!~"${OPERATIONAL_ROUTES}"`;
  const own = `service="${quoted(service)}"`;
  return {
    up: `max(up{${own}})`,
    requestRate: `sum(rate(http_requests_total{${api}}[${window}]))`,
    p95Seconds: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${api}}[${window}])))`,
    // no 5xx series at all is no errors, not no data; without any request the ratio is empty (no data)
    errorRatio: `(sum(rate(http_requests_total{${api},status=~"5.."}[${window}])) or vector(0)) / sum(rate(http_requests_total{${api}}[${window}]))`,
    variantRate: `sum by (variant) (rate(recommendation_request_duration_seconds_count{${own}}[${window}]))`,
    variantP95Seconds: `histogram_quantile(0.95, sum by (le, variant) (rate(recommendation_request_duration_seconds_bucket{${own}}[${window}])))`,
  };
}

const numberOf = (sample: VectorSample | undefined): number | null => {
  const value = sample ? Number(sample.value[1]) : NaN;
  return Number.isFinite(value) ? value : null;
};

/** Instant queries (`GET /api/v1/query`) against Prometheus's HTTP API. */
export class PrometheusGoldenSignalsSource implements GoldenSignalsSource {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly options: { window?: string; timeoutMs?: number } = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** One instant query; an unreachable or failing Prometheus is SourceUnavailableError. */
  async query(promql: string, at?: Date): Promise<VectorSample[]> {
    const params = new URLSearchParams({ query: promql });
    if (at) params.set('time', String(at.getTime() / 1000));
    const url = `${this.baseUrl}/api/v1/query?${params}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 3_000) });
    } catch (error) {
      throw new SourceUnavailableError('prometheus', `Prometheus does not answer at ${this.baseUrl}: ${causeOf(error)}`);
    }
    const body = (await response.json().catch(() => null)) as
      | { status?: string; error?: string; data?: { resultType: string; result: VectorSample[] } }
      | null;
    if (!response.ok || body?.status !== 'success' || !body.data) {
      throw new SourceUnavailableError('prometheus', `Prometheus at ${this.baseUrl} answered ${response.status}: ${body?.error ?? 'no result'}`);
    }
    if (body.data.resultType !== 'vector') {
      throw new SourceUnavailableError('prometheus', `Prometheus answered a ${body.data.resultType}, not a vector, to ${promql}`);
    }
    return body.data.result;
  }

  async signals(service: string): Promise<ServiceSignals> {
    const window = this.options.window ?? '5m';
    const queries = goldenSignalQueries(service, window);
    // one evaluation time for all, so the numbers describe the same moment
    const at = new Date();
    const [up, requestRate, p95Seconds, errorRatio, variantRate, variantP95] = await Promise.all(
      [queries.up, queries.requestRate, queries.p95Seconds, queries.errorRatio, queries.variantRate, queries.variantP95Seconds].map(q =>
        this.query(q, at),
      ),
    );
    const upValue = numberOf(up[0]);
    const names = [...new Set([...variantRate, ...variantP95].map(s => s.metric.variant).filter((v): v is string => !!v))].sort();
    const variants: VariantSignals[] = names.map(variant => ({
      variant,
      requestRate: numberOf(variantRate.find(s => s.metric.variant === variant)),
      p95Seconds: numberOf(variantP95.find(s => s.metric.variant === variant)),
    }));
    return {
      service,
      window,
      at: at.toISOString(),
      scraped: upValue === null ? null : upValue >= 1,
      requestRate: numberOf(requestRate[0]),
      p95Seconds: numberOf(p95Seconds[0]),
      errorRatio: numberOf(errorRatio[0]),
      variants,
      queries,
    };
  }
}
