import express, { Express, Request, Router } from 'express';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { Logger } from 'pino';
import { accessLog } from './accessLog';
import { BaseConfig } from './config';
import { REQUEST_ID_HEADER, requestContext, requestScope } from './context';
import { Contract, MatchedOperation } from './contract';
import { HttpError, problemHandler, problems, sendProblem } from './errors';
import { createServiceMetrics, ServiceMetrics } from './metrics';

export type ReadinessCheck = () => Promise<unknown>;

export interface ServiceContext<C extends BaseConfig> {
  config: C;
  logger: Logger;
  metrics: ServiceMetrics;
  onShutdown(hook: () => Promise<void>): void;
}

export interface ServiceOptions<C extends BaseConfig> {
  name: string;
  version?: string;
  /** the API name in catalog-info/apis (e.g. 'user-api'), or a loaded Contract; requests are validated against it */
  contract?: string | Contract;
  config: C;
  logger?: Logger;
  /** dependency checks run by GET /readyz; each must resolve within READINESS_TIMEOUT_MS */
  readiness?: Record<string, ReadinessCheck>;
  /** false leaves request bodies unread for the routes, e.g. for a proxy that streams them on (default true) */
  parseJsonBodies?: boolean;
  routes(router: Router, context: ServiceContext<C>): void;
}

export interface Service<C extends BaseConfig> extends ServiceContext<C> {
  app: Express;
  contract?: Contract;
  /** listens on HOST:PORT; `address` is the interface the OS bound */
  start(): Promise<{ address: string; port: number; url: string }>;
  /** stop accepting, let in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS), then run shutdown hooks in reverse order */
  stop(): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;

// The global Express namespace, not a module augmentation of 'express-serve-static-core': the repository holds several
// copies of those types (plugins pull in their own through passport), and TypeScript refuses to augment a duplicate.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      operation?: MatchedOperation;
    }
  }
}

export function createService<C extends BaseConfig>(options: ServiceOptions<C>): Service<C> {
  const { config } = options;
  const logger =
    options.logger ??
    pino({ level: config.LOG_LEVEL, base: { service: options.name, version: options.version } });
  const metrics = createServiceMetrics(options.name);
  const contract =
    typeof options.contract === 'string' ? Contract.load(options.contract) : options.contract;
  const hooks: Array<() => Promise<void>> = [];
  let inFlight = 0;
  let draining = false;
  let server: Server | undefined;
  const idle: Array<() => void> = [];

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  // correlation id first, so every log line and outgoing call of this request carries it
  app.use((req, res, next) => {
    const incoming = req.get(REQUEST_ID_HEADER);
    const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    (req as Request & { id: string }).id = requestId;
    requestContext.run(requestScope(logger, requestId), next);
  });
  app.use(accessLog(logger, req => req.url === '/healthz' || req.url === '/metrics'));
  app.use((req, res, next) => {
    inFlight++;
    const stopTimer = metrics.duration.startTimer();
    res.on('close', () => {
      const labels = {
        route: req.operation?.template ?? (req.route?.path as string | undefined) ?? 'unmatched',
        method: req.method,
        status: String(res.statusCode),
      };
      metrics.requests.inc(labels);
      stopTimer(labels);
      inFlight--;
      if (inFlight === 0) idle.splice(0).forEach(resolve => resolve());
    });
    if (draining) res.setHeader('Connection', 'close');
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    const checks: Record<string, { status: 'ok' | 'unavailable'; detail?: string }> = {};
    await Promise.all(
      Object.entries(options.readiness ?? {}).map(async ([name, check]) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS).unref()),
          ]);
          checks[name] = { status: 'ok' };
        } catch (e) {
          checks[name] = { status: 'unavailable', detail: (e as Error).message };
        }
      }),
    );
    const failed = Object.entries(checks).filter(([, c]) => c.status !== 'ok').map(([name]) => name);
    if (draining) failed.push('shutting down');
    if (failed.length) {
      sendProblem(req, res, problems.serviceUnavailable(`Not ready: ${failed.join(', ')}.`, { checks }));
      return;
    }
    // the shape of the Health schema every contract in catalog-info/apis shares
    res.json({ status: 'ok', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  if (options.parseJsonBodies !== false) app.use(express.json({ limit: config.BODY_LIMIT, strict: false }));

  if (contract) {
    app.use((req, _res, next) => {
      const match = contract.match(req.method, req.path);
      if (!match) {
        const template = contract.templateOf(req.path);
        if (template) {
          next(
            new HttpError(405, 'Method Not Allowed', {
              detail: `${req.method} is not an operation of ${template}.`,
              headers: { Allow: contract.allowedMethods(template).join(', ') },
            }),
          );
          return;
        }
        next();
        return;
      }
      req.operation = match;
      // who is asking comes before what is asked: a secured operation without a token is 401, whatever its input
      // (the route's requireAuth still verifies the token)
      if (contract.requiresBearer(match) && !/^bearer\s+\S/i.test(req.get('authorization') ?? '')) {
        next(problems.unauthorized('A bearer access token is required.'));
        return;
      }
      const query = { ...(req.query as Record<string, unknown>) };
      const errors = contract.validateRequest(match, {
        query,
        headers: req.headers,
        body: req.body,
        hasBody: req.body !== undefined && req.headers['content-length'] !== '0',
      });
      if (errors.length) {
        next(problems.badRequest('The request does not match the API contract.', errors));
        return;
      }
      // express 5 parses req.query on every read; keep the values coerced to the contract's types
      Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
      next();
    });
  }

  const context: ServiceContext<C> = {
    config,
    logger,
    metrics,
    onShutdown: hook => {
      hooks.push(hook);
    },
  };
  const router = express.Router();
  options.routes(router, context);
  app.use(router);

  app.use((req, _res, next) => next(problems.notFound(`No resource at ${req.method} ${req.path}.`)));
  app.use(
    problemHandler((err, req) =>
      (requestContext.logger() ?? logger).error({ err, path: req.path, method: req.method }, 'request failed'),
    ),
  );

  return {
    ...context,
    app,
    contract,
    start: () =>
      new Promise((resolve, reject) => {
        const listening = app.listen(config.PORT, config.HOST, () => {
          const { address, port } = listening.address() as AddressInfo;
          logger.info({ address, port }, `${options.name} listening`);
          resolve({ address, port, url: `http://127.0.0.1:${port}` });
        });
        listening.once('error', reject);
        server = listening;
      }),
    stop: async () => {
      draining = true;
      if (server) {
        const closed = new Promise<void>(resolve => server!.close(() => resolve()));
        server.closeIdleConnections();
        const drained = inFlight === 0 ? Promise.resolve() : new Promise<void>(resolve => idle.push(resolve));
        const timeout = new Promise<'timeout'>(resolve => setTimeout(() => resolve('timeout'), config.SHUTDOWN_TIMEOUT_MS).unref());
        if ((await Promise.race([drained, timeout])) === 'timeout') {
          logger.warn({ inFlight }, 'shutdown timeout: closing remaining connections');
        }
        server.closeAllConnections();
        await closed;
      }
      for (const hook of hooks.reverse()) {
        try {
          await hook();
        } catch (e) {
          logger.error({ err: e }, 'shutdown hook failed');
        }
      }
      logger.info(`${options.name} stopped`);
    },
  };
}

/** Starts a service and stops it gracefully on SIGTERM or SIGINT (what Kubernetes sends before killing a pod). */
export async function runService<C extends BaseConfig>(service: Service<C>) {
  const address = await service.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      err => {
        service.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return address;
}
