import type { ErrorRequestHandler, Request, Response } from 'express';

/** One field-level problem inside a problem+json `errors` array. */
export interface FieldProblem {
  /** JSON pointer into the request body, or the name of a parameter */
  pointer?: string;
  parameter?: string;
  message: string;
}

export interface HttpErrorOptions {
  detail?: string;
  type?: string;
  errors?: unknown[];
  headers?: Record<string, string>;
  /** extra members of the problem document (RFC 9457 extensions) */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/** An error that becomes an RFC 9457 problem+json response with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly options: HttpErrorOptions = {},
  ) {
    super(options.detail ?? title, { cause: options.cause });
    this.name = 'HttpError';
  }
}

export const problems = {
  badRequest: (detail: string, errors?: unknown[]) =>
    new HttpError(400, 'Bad Request', { detail, errors }),
  unauthorized: (detail: string) =>
    new HttpError(401, 'Unauthorized', {
      detail,
      headers: { 'WWW-Authenticate': 'Bearer' },
    }),
  forbidden: (detail: string) => new HttpError(403, 'Forbidden', { detail }),
  notFound: (detail: string) => new HttpError(404, 'Not Found', { detail }),
  conflict: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpError(409, 'Conflict', { detail, extensions }),
  unprocessable: (detail: string, errors?: unknown[]) =>
    new HttpError(422, 'Unprocessable Content', { detail, errors }),
  tooManyRequests: (detail: string, retryAfterSeconds: number) =>
    new HttpError(429, 'Too Many Requests', {
      detail,
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    }),
  serviceUnavailable: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpError(503, 'Service Unavailable', { detail, extensions }),
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function sendProblem(req: Request, res: Response, error: HttpError) {
  for (const [name, value] of Object.entries(error.options.headers ?? {})) {
    res.setHeader(name, value);
  }
  res
    .status(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        type: error.options.type ?? 'about:blank',
        title: error.title,
        status: error.status,
        ...(error.options.detail ? { detail: error.options.detail } : {}),
        instance: req.originalUrl,
        ...(error.options.errors ? { errors: error.options.errors } : {}),
        ...error.options.extensions,
      }),
    );
}

/** Body-parser failures carry a `type`; everything else unknown is a 500 whose detail stays in the log. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { type?: string; status?: number; message?: string };
  switch (e?.type) {
    case 'entity.parse.failed':
      return problems.badRequest('The request body is not valid JSON.');
    case 'entity.too.large':
      return new HttpError(413, 'Content Too Large', {
        detail: 'The request body is larger than this service accepts.',
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'Unsupported Media Type', { detail: e.message });
    default:
      return new HttpError(500, 'Internal Server Error', {
        detail: 'The service failed to handle this request; the error is logged with its request id.',
        cause: err,
      });
  }
}

export function problemHandler(onServerError: (err: unknown, req: Request) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = toHttpError(err);
    if (error.status >= 500) onServerError(error.options.cause ?? err, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(req, res, error);
  };
}
