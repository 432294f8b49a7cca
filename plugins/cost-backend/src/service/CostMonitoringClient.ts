/** One answer of the cost monitoring service, passed on as it came (status, JSON body). */
export interface UpstreamResponse {
  status: number;
  body: unknown;
}

export interface CostMonitoringClientOptions {
  baseUrl: () => Promise<string>;
  /** The bearer token of each call: the portal's service token (or a configured static one). */
  token?: () => Promise<string | undefined>;
  timeoutMs: number;
}

/** Raised when the cost service cannot be reached or fails; the router turns it into a 502/504. */
export class CostServiceUnavailableError extends Error {
  constructor(
    message: string,
    readonly status: 502 | 504,
  ) {
    super(message);
    this.name = 'CostServiceUnavailableError';
  }
}

/** Thin HTTP client of the cost monitoring service (contract: catalog-info/apis/cost-api.openapi.yaml). */
export class CostMonitoringClient {
  constructor(private readonly options: CostMonitoringClientOptions) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    options: { query?: Record<string, string>; body?: unknown; requestId?: string } = {},
  ): Promise<UpstreamResponse> {
    const base = (await this.options.baseUrl()).replace(/\/$/, '');
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
      throw new CostServiceUnavailableError(
        timedOut
          ? `cost monitoring service did not answer within ${this.options.timeoutMs} ms`
          : `cost monitoring service unreachable at ${base}: ${(error as Error).message}`,
        timedOut ? 504 : 502,
      );
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // A non-JSON answer (e.g. a proxy's HTML error page) is passed on as text.
    }
    if (response.status >= 500) {
      const detail = (body as { detail?: string; title?: string } | null)?.detail ?? response.statusText;
      throw new CostServiceUnavailableError(`cost monitoring service failed with ${response.status}: ${detail}`, 502);
    }
    return { status: response.status, body };
  }
}
