import type { IncomingHttpHeaders } from 'node:http';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { Agent, errors as undiciErrors } from 'undici';
import { HttpError } from '@platform/service-kit';
import type { Request, Response } from '@platform/service-kit';

/** RFC 9110 §7.6.1 connection-specific headers, plus those the proxy sets itself */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
]);

/** errors raised before the upstream got the request: nothing reached it, it is unavailable */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export interface ProxyTarget {
  name: string;
  url: string;
  timeoutMs: number;
}

class BodyTooLargeError extends Error {}

function forwardedHeaders(req: Request, requestId: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const named = new Set(
    String(req.headers.connection ?? '')
      .split(',')
      .map(h => h.trim().toLowerCase()),
  );
  for (const [name, value] of Object.entries(req.headers as IncomingHttpHeaders)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    headers[name] = value;
  }
  const peer = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${peer}` : peer;
  headers['x-forwarded-proto'] = req.protocol;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  headers['x-request-id'] = requestId;
  return headers;
}

/**
 * Streams a request to its upstream and the answer back, neither body buffered. Failures become problems naming
 * the upstream: 503 when it cannot be reached, 504 when it does not answer within the route's timeout, 502 when
 * the connection breaks mid-request, 413 when a body exceeds maxBodyBytes.
 */
export function createProxy(options: { maxBodyBytes: number; connections: number }) {
  const agent = new Agent({ connections: options.connections, keepAliveTimeout: 30_000, connect: { timeout: 2_000 } });

  async function forward(req: Request, res: Response, target: ProxyTarget, extraHeaders: Record<string, string> = {}): Promise<void> {
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > options.maxBodyBytes) {
      throw new HttpError(413, 'Content Too Large', { detail: `Request bodies are limited to ${options.maxBodyBytes} bytes.` });
    }
    const hasBody = declaredLength > 0 || req.headers['transfer-encoding'] !== undefined;
    let body: Transform | undefined;
    if (hasBody) {
      // a chunked body declares no length: count it as it streams
      let seen = 0;
      body = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          seen += chunk.length;
          done(seen > options.maxBodyBytes ? new BodyTooLargeError() : null, chunk);
        },
      });
      req.pipe(body);
    }
    const abort = new AbortController();
    const onClientGone = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClientGone);
    // undici's own headersTimeout runs on a coarse (about 1 s) timer; routes need their timeout to the millisecond
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, target.timeoutMs);

    let upstream;
    try {
      upstream = await agent.request({
        origin: target.url,
        path: req.originalUrl,
        method: req.method as 'GET',
        headers: { ...forwardedHeaders(req, String((req as Request & { id: string }).id)), ...extraHeaders },
        body,
        bodyTimeout: target.timeoutMs,
        signal: abort.signal,
      });
    } catch (e) {
      res.off('close', onClientGone);
      // the client hung up first: there is nobody to answer, and it is not the upstream's failure
      if (abort.signal.aborted && !timedOut) return;
      throw timedOut ? gatewayTimeout(target, req.method) : toProblem(e, target, req.method);
    } finally {
      clearTimeout(deadline);
    }
    res.status(upstream.statusCode);
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
    }
    res.off('close', onClientGone);
    await relay(upstream.body, res);
  }

  return { forward, close: () => agent.close() };
}

/**
 * Pipes the upstream's answer to the client. Not stream.pipeline: it aborts an AbortController (building a
 * DOMException with a stack) on every completion, which cost about 7% of the gateway's CPU.
 */
function relay(body: Readable, res: Response): Promise<void> {
  return new Promise(resolve => {
    // the upstream broke mid-answer: the status line is sent, so only closing the connection can tell the client
    body.once('error', () => {
      res.destroy();
      resolve();
    });
    // finished, or the client left: stop reading so the upstream connection is released
    res.once('close', () => {
      if (!body.readableEnded) body.destroy();
      resolve();
    });
    body.pipe(res);
  });
}

function gatewayTimeout(target: ProxyTarget, method: string): HttpError {
  return new HttpError(504, 'Gateway Timeout', {
    detail: `${target.name} did not answer ${method} within ${target.timeoutMs} ms.`,
    extensions: { upstream: target.name },
  });
}

function toProblem(e: unknown, target: ProxyTarget, method: string): HttpError {
  if (e instanceof BodyTooLargeError || (e as Error).cause instanceof BodyTooLargeError) {
    return new HttpError(413, 'Content Too Large', { detail: 'The request body is larger than the gateway accepts.' });
  }
  const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code ?? '';
  const extensions = { upstream: target.name };
  if (e instanceof undiciErrors.HeadersTimeoutError) return gatewayTimeout(target, method);
  if (UNREACHABLE.has(code)) {
    return new HttpError(503, 'Service Unavailable', {
      detail: `${target.name} is unavailable: ${code} at ${target.url}.`,
      headers: { 'Retry-After': '1' },
      extensions,
    });
  }
  return new HttpError(502, 'Bad Gateway', {
    detail: `${target.name} failed while answering ${method}: ${(e as Error).message}.`,
    extensions,
    cause: e,
  });
}
