import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import { sendProblem } from './problem.js';

/** One check per dependency; /readyz is 503 while any of them throws. */
export type ReadinessChecks = Record<string, () => Promise<void>>;

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  checks?: ReadinessChecks;
}

/** The consumer's HTTP side: liveness, readiness (a member of its consumer group) and /metrics for Prometheus. */
export function createApp({ logger, metrics, checks = {} }: AppDeps) {
  const app = express();
  app.disable('x-powered-by');

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

  app.use((req: Request, res: Response) => {
    sendProblem(res, { title: 'Not found', status: 404, instance: req.originalUrl });
  });
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err }, 'unhandled error');
    sendProblem(res, { title: 'Internal error', status: 500, instance: req.originalUrl });
  });
  return app;
}
