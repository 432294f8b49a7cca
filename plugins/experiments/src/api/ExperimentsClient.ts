import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type {
  AuditEntry,
  Experiment,
  ExperimentFilter,
  ExperimentResults,
  ExperimentsApi,
  RampRequest,
} from '@internal/plugin-experiments-common';

/**
 * An error answer of the experiments backend with the problem's detail; `unavailable` when the A/B testing
 * service is down (503) or failing (502), so the page can say so.
 */
export class ExperimentsApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExperimentsApiError';
  }

  get unavailable(): boolean {
    return this.status === 503 || this.status === 502;
  }
}

/** ExperimentsApi over HTTP against the portal's experiments backend (`/api/experiments`). */
export class ExperimentsClient implements ExperimentsApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  async listExperiments(filter: ExperimentFilter = {}): Promise<Experiment[]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) params.set(key, value);
    const suffix = params.size > 0 ? `?${params}` : '';
    const { items } = await this.call<{ items: Experiment[] }>(`/experiments${suffix}`, { method: 'GET' });
    return items;
  }

  getExperiment(key: string): Promise<Experiment> {
    return this.call(`/experiments/${encodeURIComponent(key)}`, { method: 'GET' });
  }

  async getAudit(key: string): Promise<AuditEntry[]> {
    const { items } = await this.call<{ items: AuditEntry[] }>(`/experiments/${encodeURIComponent(key)}/audit`, { method: 'GET' });
    return items;
  }

  async getResults(key: string): Promise<ExperimentResults | null> {
    try {
      return await this.call<ExperimentResults>(`/experiments/${encodeURIComponent(key)}/results`, { method: 'GET' });
    } catch (error) {
      if (error instanceof ExperimentsApiError && error.status === 404) return null;
      throw error;
    }
  }

  start(key: string, request: { reason?: string } = {}): Promise<Experiment> {
    return this.post(key, 'start', request);
  }

  ramp(key: string, request: RampRequest): Promise<Experiment> {
    return this.post(key, 'ramp', request);
  }

  stop(key: string, request: { reason: string }): Promise<Experiment> {
    return this.post(key, 'stop', request);
  }

  conclude(key: string, request: { winner: string; reason: string }): Promise<Experiment> {
    return this.post(key, 'conclude', request);
  }

  private post<T>(key: string, action: string, body: unknown): Promise<T> {
    return this.call(`/experiments/${encodeURIComponent(key)}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('experiments');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, init);
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const problem = body as { detail?: string; title?: string; error?: { message?: string } } | null;
      const message = problem?.detail ?? problem?.title ?? problem?.error?.message ?? response.statusText;
      throw new ExperimentsApiError(response.status, message);
    }
    return body as T;
  }
}
