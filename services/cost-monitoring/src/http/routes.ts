import express from 'express';
import { HttpError, problems, type Request, type RequestHandler, type Response, type Router } from '@platform/service-kit';
import { AlertNotFoundError, AlertStateError, InvalidQueryError } from '../app/errors';
import type { CostMonitor } from '../app/costMonitor';
import { FocusFileRejectedError } from '../focus/importFocus';
import type { Dimension, AlertStatus } from '../store/costStore';

export interface CostRoutesDeps {
  monitor: CostMonitor;
  /** Any authenticated caller. */
  requireReader: RequestHandler;
  /** Callers with the admin or service role (the portal acts for a person with its service token). */
  requireAlertManager: RequestHandler;
  /** Callers with the admin role. */
  requireAdmin: RequestHandler;
  importBodyLimit: string;
  /** Called after a change to costs or alerts, e.g. to refresh the gauges. */
  onChange: () => void;
}

const PARQUET_TYPES = ['application/vnd.apache.parquet', 'application/octet-stream'];

const text = (req: Request, name: string): string | undefined => {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const period = (req: Request) => ({ from: text(req, 'from') ?? '', to: text(req, 'to') ?? '' });

/** Maps the cost domain's errors to RFC 9457 problems; anything else is the kit's 500. */
function toProblem(error: unknown): unknown {
  // input its schemas allow, refused by a rule they cannot express: the contract's RuleViolated 422
  if (error instanceof InvalidQueryError) return problems.unprocessable(error.message, error.errors);
  if (error instanceof AlertNotFoundError) return problems.notFound(error.message);
  if (error instanceof AlertStateError) return problems.conflict(error.message);
  if (error instanceof FocusFileRejectedError) {
    return new HttpError(422, 'Invalid FOCUS file', {
      detail: `${error.message}. Nothing from the file was stored.`,
      errors: error.problems.map(problem => ({ row: problem.row, field: problem.field, message: problem.message })),
    });
  }
  return error;
}

const handle =
  (work: (req: Request, res: Response) => Promise<void>) =>
  async (req: Request, res: Response): Promise<void> => {
    try {
      await work(req, res);
    } catch (error) {
      throw toProblem(error);
    }
  };

export function costRoutes(router: Router, deps: CostRoutesDeps): void {
  const { monitor, requireReader, requireAlertManager, requireAdmin, onChange } = deps;

  router.get(
    '/costs',
    requireReader,
    handle(async (req, res) => {
      const groupBy = (text(req, 'groupBy') ?? 'service') as Dimension;
      res.json(await monitor.costs({ ...period(req), groupBy, service: text(req, 'service') }));
    }),
  );

  router.get(
    '/costs/daily',
    requireReader,
    handle(async (req, res) => {
      const stackBy = (text(req, 'stackBy') ?? 'cloud') as 'cloud' | 'service';
      res.json(await monitor.dailyCosts({ ...period(req), stackBy, service: text(req, 'service') }));
    }),
  );

  router.get(
    '/costs/movers',
    requireReader,
    handle(async (req, res) => {
      res.json(await monitor.topMovers({ ...period(req), limit: Number(text(req, 'limit') ?? 5) }));
    }),
  );

  router.get(
    '/costs/unit',
    requireReader,
    handle(async (req, res) => {
      res.json(await monitor.unitCosts(period(req)));
    }),
  );

  router.get(
    '/costs/summary',
    requireReader,
    handle(async (req, res) => {
      res.json(await monitor.summary(text(req, 'month')));
    }),
  );

  router.get(
    '/alerts',
    requireReader,
    handle(async (req, res) => {
      const items = await monitor.listAlerts({ status: text(req, 'status') as AlertStatus | undefined, service: text(req, 'service') });
      res.json({ items: items.map(({ key: _key, ...alert }) => alert) });
    }),
  );

  router.post(
    '/alerts/:id/acknowledge',
    requireAlertManager,
    handle(async (req, res) => {
      const { key: _key, ...alert } = await monitor.acknowledgeAlert(String(req.params.id), actorOf(req));
      onChange();
      res.json(alert);
    }),
  );

  router.post(
    '/alerts/:id/snooze',
    requireAlertManager,
    handle(async (req, res) => {
      const { until } = req.body as { until: string };
      const { key: _key, ...alert } = await monitor.snoozeAlert(String(req.params.id), new Date(until));
      onChange();
      res.json(alert);
    }),
  );

  router.post(
    '/alerts/:id/reopen',
    requireAlertManager,
    handle(async (req, res) => {
      const { key: _key, ...alert } = await monitor.reopenAlert(String(req.params.id));
      onChange();
      res.json(alert);
    }),
  );

  router.get(
    '/imports',
    requireReader,
    handle(async (req, res) => {
      res.json({ items: await monitor.listImports(Number(text(req, 'limit') ?? 50)) });
    }),
  );

  router.post(
    '/imports',
    requireAdmin,
    express.raw({ type: ['text/csv', ...PARQUET_TYPES], limit: deps.importBodyLimit }),
    handle(async (req, res) => {
      const type = req.is(['text/csv', ...PARQUET_TYPES]);
      if (!type || !Buffer.isBuffer(req.body)) {
        throw new HttpError(415, 'Unsupported Media Type', {
          detail: 'send a FOCUS file as text/csv or application/vnd.apache.parquet',
        });
      }
      const record = await monitor.importFocusFile(req.body, type === 'text/csv' ? 'csv' : 'parquet');
      onChange();
      res.status(201).json(record);
    }),
  );
}

/** Who acknowledged: the token's subject, or the portal user the trusted caller names in the body. */
function actorOf(req: Request): string {
  const auth = (req as Request & { auth?: { sub?: string } }).auth;
  const named = (req.body as { by?: unknown } | undefined)?.by;
  if (typeof named === 'string' && named.length > 0 && named.length <= 200) return named;
  return auth?.sub ?? 'anonymous';
}
