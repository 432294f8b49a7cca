import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type {
  ActionResult,
  AliasHistoryEntry,
  ChampionAtTime,
  GoldenSignals,
  ModelDetail,
  ModelRegistryApi,
  ModelSummary,
  PromoteRequest,
  RollbackRequest,
  ServingStatus,
} from '@internal/plugin-model-registry-common';

/**
 * An error answer of the model registry backend, carrying the problem's detail (e.g. "MLflow is unreachable at
 * ...") and code (e.g. PROMOTION_REFUSED, REGISTRY_UNAVAILABLE).
 */
export class ModelRegistryApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ModelRegistryApiError';
  }
}

/** ModelRegistryApi over HTTP against the portal's model registry backend (`/api/model-registry`). */
export class ModelRegistryClient implements ModelRegistryApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  async listModels(): Promise<ModelSummary[]> {
    const { items } = await this.call<{ items: ModelSummary[] }>('/models', { method: 'GET' });
    return items;
  }

  getModel(name: string): Promise<ModelDetail> {
    return this.call(`/models/${encodeURIComponent(name)}`, { method: 'GET' });
  }

  async getHistory(name: string, options: { limit?: number } = {}): Promise<AliasHistoryEntry[]> {
    const query = options.limit ? `?limit=${options.limit}` : '';
    const { items } = await this.call<{ items: AliasHistoryEntry[] }>(`/models/${encodeURIComponent(name)}/history${query}`, {
      method: 'GET',
    });
    return items;
  }

  getChampionAt(name: string, at: Date): Promise<ChampionAtTime> {
    return this.call(`/models/${encodeURIComponent(name)}/champion-at?at=${encodeURIComponent(at.toISOString())}`, { method: 'GET' });
  }

  promote(name: string, request: PromoteRequest): Promise<ActionResult> {
    return this.post(`/models/${encodeURIComponent(name)}/promote`, request);
  }

  rollback(name: string, request: RollbackRequest): Promise<ActionResult> {
    return this.post(`/models/${encodeURIComponent(name)}/rollback`, request);
  }

  getServingStatus(entityRef: string): Promise<ServingStatus> {
    return this.call(`/services/${encodeURIComponent(entityRef)}/serving`, { method: 'GET' });
  }

  getGoldenSignals(entityRef: string): Promise<GoldenSignals> {
    return this.call(`/services/${encodeURIComponent(entityRef)}/signals`, { method: 'GET' });
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('model-registry');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, init);
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const problem = body as { detail?: string; title?: string; code?: string; error?: { message?: string } } | null;
      const message = problem?.detail ?? problem?.title ?? problem?.error?.message ?? response.statusText;
      throw new ModelRegistryApiError(response.status, message, problem?.code);
    }
    return body as T;
  }
}
