import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Metrics } from './metrics.js';
import { sendProblem } from './problem.js';
import type { ReadinessChecks } from './stores.js';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  /** One check per dependency (see stores.ts); /readyz is 503 while any of them throws. */
  checks?: ReadinessChecks;
}

const echoBody = z.object({ message: z.string().min(1).max(1000) });

export function createApp({ logger, metrics, checks = {} }: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));

  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = req.get('x-request-id') ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    const stop = metrics.duration.startTimer();
    res.on('finish', () => {
      // the matched route pattern, not the raw path, keeps label cardinality bounded
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      const labels = { route, method: req.method, status: String(res.statusCode) };
      metrics.requests.inc(labels);
      const seconds = stop(labels);
      logger.info({ requestId, ...labels, durationMs: Math.round(seconds * 1000) }, 'request');
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check();
          return [name, { status: 'ok' }] as const;
        } catch (e) {
          return [name, { status: 'down', error: (e as Error).message }] as const;
        }
      }),
    );
    const down = results.filter(([, r]) => r.status !== 'ok').map(([name]) => name);
    if (down.length === 0) {
      res.json({ status: 'ok', checks: Object.fromEntries(results) });
      return;
    }
    sendProblem(res, {
      title: 'Not ready',
      status: 503,
      detail: `unavailable: ${down.join(', ')}`,
      instance: req.originalUrl,
      checks: Object.fromEntries(results),
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.post('/v1/echo', (req, res) => {
    const parsed = echoBody.safeParse(req.body);
    if (!parsed.success) {
      sendProblem(res, {
        title: 'Invalid request body',
        status: 400,
        instance: req.originalUrl,
        errors: parsed.error.issues.map(i => ({ path: `/${i.path.join('/')}`, message: i.message })),
      });
      return;
    }
    res.json({ message: parsed.data.message });
  });

  app.use((req: Request, res: Response) => {
    sendProblem(res, { title: 'Not found', status: 404, instance: req.originalUrl });
  });
  app.use((err: Error & { status?: number }, req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err }, 'unhandled error');
    sendProblem(res, { title: status === 500 ? 'Internal error' : err.message, status, instance: req.originalUrl });
  });
  return app;
}
