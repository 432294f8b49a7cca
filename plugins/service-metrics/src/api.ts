import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';

/** One series of an instant (`value`) or range (`values`) query, as Prometheus's HTTP API answers it. */
export interface PrometheusSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

/** Prometheus's HTTP API, read through the portal backend's proxy (`/api/proxy/prometheus`, app-config.yaml). */
export interface PrometheusApi {
  query(promql: string, at?: Date): Promise<PrometheusSeries[]>;
  queryRange(
    promql: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<PrometheusSeries[]>;
}

export const prometheusApiRef = createApiRef<PrometheusApi>({
  id: 'plugin.service-metrics.prometheus',
});

/** Prometheus (or the proxy in front of it) did not answer: the page says so rather than showing empty charts. */
export class PrometheusUnavailableError extends Error {
  name = 'PrometheusUnavailableError';
}

export class PrometheusClient implements PrometheusApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  query(promql: string, at?: Date): Promise<PrometheusSeries[]> {
    const params = new URLSearchParams({ query: promql });
    if (at) params.set('time', String(at.getTime() / 1000));
    return this.get('query', params, 'vector');
  }

  queryRange(
    promql: string,
    {
      start,
      end,
      stepSeconds,
    }: { start: Date; end: Date; stepSeconds: number },
  ) {
    const params = new URLSearchParams({
      query: promql,
      start: String(start.getTime() / 1000),
      end: String(end.getTime() / 1000),
      step: String(stepSeconds),
    });
    return this.get('query_range', params, 'matrix');
  }

  private async get(
    path: string,
    params: URLSearchParams,
    resultType: 'vector' | 'matrix',
  ): Promise<PrometheusSeries[]> {
    const base = await this.deps.discoveryApi.getBaseUrl('proxy');
    let response: Response;
    try {
      response = await this.deps.fetchApi.fetch(
        `${base}/prometheus/api/v1/${path}?${params}`,
      );
    } catch (error) {
      throw new PrometheusUnavailableError(
        `Prometheus cannot be reached through the portal: ${
          (error as Error).message
        }`,
      );
    }
    const body = (await response.json().catch(() => null)) as {
      status?: string;
      error?: string;
      data?: { resultType: string; result: PrometheusSeries[] };
    } | null;
    if (!response.ok || body?.status !== 'success' || !body.data) {
      throw new PrometheusUnavailableError(
        `Prometheus answered ${response.status}${
          body?.error ? `: ${body.error}` : ''
        } (through /api/proxy/prometheus)`,
      );
    }
    if (body.data.resultType !== resultType) {
      throw new PrometheusUnavailableError(
        `Prometheus answered a ${body.data.resultType}, not a ${resultType}`,
      );
    }
    return body.data.result;
  }
}

/** The number of an instant sample, or null when there is none or it is NaN (e.g. a quantile of no requests). */
export function numberOf(series: PrometheusSeries | undefined): number | null {
  const value = series?.value ? Number(series.value[1]) : NaN;
  return Number.isFinite(value) ? value : null;
}

/** A range series as chart points (`t` in ms); NaN samples (no requests in a step) are gaps, not zeros. */
export function pointsOf(
  series: PrometheusSeries | undefined,
): Array<{ t: number; v: number | null }> {
  return (series?.values ?? []).map(([t, v]) => {
    const value = Number(v);
    return { t: t * 1000, v: Number.isFinite(value) ? value : null };
  });
}
