import { HttpError } from './errors';
import { REQUEST_ID_HEADER, requestContext } from './context';

export interface HttpClientOptions {
  /** the upstream's name in errors and logs */
  name: string;
  baseUrl: string;
  timeoutMs?: number;
  /** retries after the first attempt, for idempotent requests only */
  retries?: number;
  backoffMs?: number;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** a POST with an idempotency key may be retried like an idempotent method */
  idempotencyKey?: string;
  timeoutMs?: number;
}

export interface HttpClient {
  get<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  put<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  patch<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * JSON over HTTP to another service: passes the current X-Request-Id on, times out, retries idempotent calls
 * with exponential backoff and full jitter, and turns every failure into an HttpError that says which upstream
 * failed and how (4xx statuses pass through; 5xx becomes 502, a timeout 504, a refused connection 503).
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 100;

  async function request<T>(method: string, path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    const retryable = IDEMPOTENT.has(method) || opts.idempotencyKey !== undefined;
    const attempts = retryable ? retries + 1 : 1;
    let lastError = new HttpError(503, 'Service Unavailable', { detail: `${options.name} was not called` });
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(Math.random() * backoffMs * 2 ** (attempt - 1) + backoffMs / 2);
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...opts.headers };
      const requestId = requestContext.requestId();
      if (requestId) headers[REQUEST_ID_HEADER] = requestId;
      if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(new URL(path, options.baseUrl), {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(opts.timeoutMs ?? timeoutMs),
        });
      } catch (e) {
        const timedOut = (e as Error).name === 'TimeoutError';
        lastError = new HttpError(timedOut ? 504 : 503, timedOut ? 'Gateway Timeout' : 'Service Unavailable', {
          detail: timedOut
            ? `${options.name} did not answer ${method} ${path} within ${opts.timeoutMs ?? timeoutMs} ms`
            : `${options.name} could not be reached for ${method} ${path}: ${(e as Error).cause ?? (e as Error).message}`,
          extensions: { upstream: options.name },
        });
        continue;
      }
      const text = await response.text();
      let parsed: any;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      if (response.ok) return parsed as T;
      if (response.status >= 500) {
        lastError = new HttpError(502, 'Bad Gateway', {
          detail: `${options.name} answered ${method} ${path} with ${response.status}${parsed?.detail ? `: ${parsed.detail}` : ''}`,
          extensions: { upstream: options.name, upstreamStatus: response.status },
        });
        if (RETRYABLE_STATUS.has(response.status)) continue;
        throw lastError;
      }
      // a client error of the upstream is the caller's answer too; keep its status and detail
      throw new HttpError(response.status, parsed?.title ?? response.statusText, {
        detail: parsed?.detail ?? `${options.name} answered ${method} ${path} with ${response.status}`,
        errors: parsed?.errors,
        extensions: { upstream: options.name },
      });
    }
    throw lastError;
  }

  return {
    get: (path, opts) => request('GET', path, undefined, opts),
    post: (path, body, opts) => request('POST', path, body, opts),
    put: (path, body, opts) => request('PUT', path, body, opts),
    patch: (path, body, opts) => request('PATCH', path, body, opts),
    delete: (path, opts) => request('DELETE', path, undefined, opts),
  };
}
