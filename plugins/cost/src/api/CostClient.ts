import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type {
  AlertStatus,
  CostAlert,
  CostApi,
  CostBreakdown,
  CostDimension,
  CostSummary,
  DailyCosts,
  Period,
  StackDimension,
  TopMovers,
  UnitCost,
} from '@internal/plugin-cost-common';

/** An error answer of the cost backend, carrying the problem's detail (e.g. "service: unknown service x"). */
export class CostApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'CostApiError';
  }
}

/** CostApi over HTTP against the portal's cost backend (`/api/cost`). */
export class CostClient implements CostApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  getSummary(month?: string): Promise<CostSummary> {
    return this.get('/summary', month ? { month } : {});
  }

  getCosts(query: Period & { groupBy: CostDimension; service?: string }): Promise<CostBreakdown> {
    return this.get('/costs', { ...query });
  }

  getDailyCosts(query: Period & { stackBy: StackDimension; service?: string }): Promise<DailyCosts> {
    return this.get('/costs/daily', { ...query });
  }

  getTopMovers(query: Period & { limit?: number }): Promise<TopMovers> {
    return this.get('/costs/movers', { ...query, limit: query.limit === undefined ? undefined : String(query.limit) });
  }

  getUnitCost(query: Period): Promise<UnitCost> {
    return this.get('/costs/unit', { ...query });
  }

  async listAlerts(query: { status?: AlertStatus; service?: string } = {}): Promise<CostAlert[]> {
    const { items } = await this.get<{ items: CostAlert[] }>('/alerts', query);
    return items;
  }

  acknowledgeAlert(id: string): Promise<CostAlert> {
    return this.post(`/alerts/${encodeURIComponent(id)}/acknowledge`, {});
  }

  snoozeAlert(id: string, until: Date): Promise<CostAlert> {
    return this.post(`/alerts/${encodeURIComponent(id)}/snooze`, { until: until.toISOString() });
  }

  reopenAlert(id: string): Promise<CostAlert> {
    return this.post(`/alerts/${encodeURIComponent(id)}/reopen`, {});
  }

  private async get<T>(path: string, query: Record<string, string | undefined>): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
    const suffix = params.size > 0 ? `?${params}` : '';
    return this.call(`${path}${suffix}`, { method: 'GET' });
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('cost');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, init);
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const problem = body as { detail?: string; title?: string; error?: { message?: string } } | null;
      const message = problem?.detail ?? problem?.title ?? problem?.error?.message ?? response.statusText;
      throw new CostApiError(response.status, message);
    }
    return body as T;
  }
}
