import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Metrics } from './metrics.js';
import type { ModelStore } from './modelStore.js';
import { sendProblem } from './problem.js';

/** One check per dependency; /readyz is 503 while any of them throws. */
export type ReadinessChecks = Record<string, () => Promise<void>>;

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  store: Pick<ModelStore, 'current' | 'checkReady' | 'status'>;
}

const predictBody = z.object({ features: z.record(z.number().finite()) });

export function createApp({ logger, metrics, store }: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  const checks: ReadinessChecks = { model: () => store.checkReady() };

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
  // Kubernetes routes traffic to the pod only once its model is loaded
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

  app.get('/v1/model', (_req, res) => {
    res.json(store.status());
  });

  app.post('/v1/predict', (req, res) => {
    const stop = metrics.prediction.startTimer();
    // the model this request started with answers it, whatever a poll swaps in meanwhile
    const model = store.current();
    if (!model) {
      res.setHeader('retry-after', '5');
      sendProblem(res, { title: 'Model not loaded yet', status: 503, detail: store.status().problem ?? undefined, instance: req.originalUrl });
      return;
    }
    const parsed = predictBody.safeParse(req.body);
    const missing = parsed.success ? model.features.filter(f => !(f in parsed.data.features)) : [];
    if (!parsed.success || missing.length) {
      sendProblem(res, {
        title: 'Invalid request body',
        status: 400,
        instance: req.originalUrl,
        errors: parsed.success
          ? missing.map(f => ({ path: `/features/${f}`, message: `required by model version ${model.version}` }))
          : parsed.error.issues.map(i => ({ path: `/${i.path.join('/')}`, message: i.message })),
      });
      return;
    }
    const prediction = model.predict(parsed.data.features);
    res.json({ prediction, model: { name: model.name, version: model.version } });
    stop({ model_version: model.version });
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
