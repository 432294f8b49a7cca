import type { AuditEntry, Experiment, ExperimentFilter, ExperimentResults } from '@internal/plugin-experiments-common';

/** One answer of the A/B testing service: the status and the JSON body (a problem document when status >= 400). */
export interface UpstreamResponse<T> {
  status: number;
  body: T;
}

/** A 4xx problem of the service as it came, to pass through. */
export interface UpstreamProblem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  [member: string]: unknown;
}

export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; body: UpstreamProblem };

export interface AbTestingClientOptions {
  baseUrl: string;
  /** The bearer token of each call: the portal's service token. */
  token?: () => Promise<string | undefined>;
  timeoutMs: number;
}

/**
 * Raised when the A/B testing service cannot be reached, does not answer in time, or fails (5xx); the router turns
 * it into a 503 problem (502 for a 500 of the service: a bug there, not an outage).
 */
export class AbTestingUnavailableError extends Error {
  constructor(
    message: string,
    readonly status: 502 | 503,
  ) {
    super(message);
    this.name = 'AbTestingUnavailableError';
  }
}

/** Where a change comes from: the portal user, and why. */
export interface ChangeRequest {
  reason: string;
  evidence?: Record<string, string | number | boolean | null>;
  requestId?: string;
}

/** Typed HTTP client of the A/B testing service (contract: catalog-info/apis/ab-testing-api.openapi.yaml). */
export class AbTestingClient {
  constructor(private readonly options: AbTestingClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/$/, '');
  }

  listExperiments(filter: ExperimentFilter = {}, requestId?: string): Promise<Answer<{ items: Experiment[] }>> {
    const query = Object.fromEntries(Object.entries(filter).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    return this.request('GET', '/experiments', { query, requestId });
  }

  getExperiment(key: string, requestId?: string): Promise<Answer<Experiment>> {
    return this.request('GET', `/experiments/${encodeURIComponent(key)}`, { requestId });
  }

  getAudit(key: string, requestId?: string): Promise<Answer<{ items: AuditEntry[] }>> {
    return this.request('GET', `/experiments/${encodeURIComponent(key)}/audit`, { requestId });
  }

  getResults(key: string, requestId?: string): Promise<Answer<ExperimentResults>> {
    return this.request('GET', `/experiments/${encodeURIComponent(key)}/results`, { requestId });
  }

  /** Start takes no evidence in the contract: the reason carries who did it. */
  start(key: string, change: Pick<ChangeRequest, 'reason' | 'requestId'>): Promise<Answer<Experiment>> {
    return this.action(key, 'start', { reason: change.reason }, change.requestId);
  }

  ramp(key: string, variants: Array<{ name: string; weight: number }>, change: ChangeRequest): Promise<Answer<Experiment>> {
    return this.action(key, 'ramp', { variants, reason: change.reason, evidence: change.evidence }, change.requestId);
  }

  stop(key: string, change: ChangeRequest): Promise<Answer<Experiment>> {
    return this.action(key, 'stop', { reason: change.reason, evidence: change.evidence }, change.requestId);
  }

  conclude(key: string, winner: string, change: ChangeRequest): Promise<Answer<Experiment>> {
    return this.action(key, 'conclude', { winner, reason: change.reason, evidence: change.evidence }, change.requestId);
  }

  private action(key: string, action: string, body: Record<string, unknown>, requestId?: string): Promise<Answer<Experiment>> {
    const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    return this.request('POST', `/experiments/${encodeURIComponent(key)}/${action}`, { body: defined, requestId });
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { query?: Record<string, string>; body?: unknown; requestId?: string } = {},
  ): Promise<Answer<T>> {
    const base = this.baseUrl;
    const query = options.query && Object.keys(options.query).length > 0 ? `?${new URLSearchParams(options.query)}` : '';
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = await this.options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.requestId) headers['x-request-id'] = options.requestId;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${base}${path}${query}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new AbTestingUnavailableError(
        timedOut
          ? `The A/B testing service did not answer within ${this.options.timeoutMs} ms`
          : `The A/B testing service is unreachable at ${base}: ${causeOf(error as Error)}`,
        503,
      );
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // A non-JSON answer (a proxy's HTML error page) is kept as text.
    }
    if (response.status >= 500) {
      const detail = (body as UpstreamProblem | null)?.detail ?? response.statusText;
      throw new AbTestingUnavailableError(
        `The A/B testing service failed with ${response.status}: ${detail}`,
        response.status === 500 ? 502 : 503,
      );
    }
    if (response.status >= 400) {
      const problem = typeof body === 'object' && body !== null ? (body as UpstreamProblem) : { title: response.statusText, detail: String(body) };
      return { ok: false, status: response.status, body: problem };
    }
    return { ok: true, status: response.status, body: body as T };
  }
}

function causeOf(error: Error): string {
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
