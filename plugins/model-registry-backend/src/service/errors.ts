/** Errors of the model registry plugin; the router turns each into an RFC 9457 problem with its status. */

export type Dependency = 'mlflow' | 'history-database';

/** MLflow or the history database cannot be reached or fails: a 503 problem whose detail the page shows. */
export class RegistryUnavailableError extends Error {
  readonly status = 503;
  constructor(
    readonly dependency: Dependency,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryUnavailableError';
  }
}

/** No registered model of that name in MLflow. */
export class ModelNotFoundError extends Error {
  readonly status = 404;
  constructor(readonly model: string) {
    super(`no registered model ${model} in MLflow`);
    this.name = 'ModelNotFoundError';
  }
}

/** An action the plugin refuses, with a machine-readable code (e.g. PROMOTION_REFUSED, ALREADY_CHAMPION). */
export class ActionRefusedError extends Error {
  constructor(
    readonly status: 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ActionRefusedError';
  }
}

/** fetch's refused or broken connection (a TypeError, possibly of another realm: compared by name). */
export function isFetchFailure(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return name === 'TypeError' && typeof message === 'string' && /fetch failed/i.test(message);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

type Failure = { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };

const asFailure = (error: unknown): Failure | undefined =>
  typeof error === 'object' && error !== null ? (error as Failure) : undefined;

/**
 * A refused or broken connection (Node's net errors, fetch's TypeError), or PostgreSQL's connection/shutdown
 * classes. Compared by shape, not instanceof: the errors may come from another realm (fetch in a test runner).
 */
export function isConnectionFailure(error: unknown): boolean {
  const failure = asFailure(error);
  if (!failure) return false;
  if (isFetchFailure(error)) return true;
  if (typeof failure.code === 'string' && (NETWORK_CODES.has(failure.code) || /^(08|57P)/.test(failure.code))) return true;
  if (Array.isArray(failure.errors)) return failure.errors.some(isConnectionFailure);
  return typeof failure.message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(failure.message);
}

export function causeOf(error: unknown): string {
  const failure = asFailure(error);
  if (!failure) return String(error);
  const message = String(failure.message ?? failure.name ?? 'error');
  const inner = asFailure(failure.cause);
  const detail = inner && (inner.code ?? inner.message);
  return detail ? `${message} (${String(detail)})` : message;
}

export type LiveSource = 'serving-service' | 'prometheus';

/**
 * A live source of the service Model tab (the running serving service, Prometheus) cannot be reached, fails or is
 * not configured: a 503 problem naming the source; the tab's card for that source says so, the others still show.
 */
export class SourceUnavailableError extends Error {
  readonly status = 503;
  constructor(
    readonly source: LiveSource,
    message: string,
  ) {
    super(message);
    this.name = 'SourceUnavailableError';
  }
}
