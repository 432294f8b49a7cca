import type {
  CacheService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, type BasicPermission } from '@backstage/plugin-permission-common';
import { costAlertManagePermission, costReadPermission } from '@internal/plugin-cost-common';
import express, { type Request, type Response } from 'express';
import Router from 'express-promise-router';
import { CostMonitoringClient, CostServiceUnavailableError, type UpstreamResponse } from './CostMonitoringClient';

export interface RouterOptions {
  client: CostMonitoringClient;
  cache: CacheService;
  cacheTtlSeconds: number;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
}

/** Portal routes -> cost service paths and the query parameters each may pass on. */
const READS: Array<{ route: string; upstream: string; params: string[]; cached: boolean }> = [
  { route: '/summary', upstream: '/costs/summary', params: ['month'], cached: true },
  { route: '/costs', upstream: '/costs', params: ['from', 'to', 'groupBy', 'service'], cached: true },
  { route: '/costs/daily', upstream: '/costs/daily', params: ['from', 'to', 'stackBy', 'service'], cached: true },
  { route: '/costs/movers', upstream: '/costs/movers', params: ['from', 'to', 'limit'], cached: true },
  // Order counts move during the day and the answer may say "unavailable"; a short cache still applies.
  { route: '/costs/unit', upstream: '/costs/unit', params: ['from', 'to'], cached: true },
  // Alerts change when someone acknowledges one: never served from cache.
  { route: '/alerts', upstream: '/alerts', params: ['status', 'service'], cached: false },
];

const TITLES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

function statusOf(error: Error): number {
  if (error instanceof CostServiceUnavailableError) return error.status;
  if (error.name === 'NotAllowedError') return 403;
  if (error.name === 'AuthenticationError') return 401;
  return 500;
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { client, cache, cacheTtlSeconds, httpAuth, permissions, logger } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  const authorize = async (req: Request, permission: BasicPermission) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
    return credentials;
  };

  const send = (res: Response, upstream: UpstreamResponse) => {
    const isProblem = upstream.status >= 400;
    res
      .status(upstream.status)
      .type(isProblem ? 'application/problem+json' : 'application/json')
      .send(JSON.stringify(upstream.body));
  };

  for (const read of READS) {
    router.get(read.route, async (req, res) => {
      await authorize(req, costReadPermission);
      const query = pick(req.query, read.params);
      const key = `cost:${read.upstream}?${new URLSearchParams(Object.entries(query).sort())}`;
      if (read.cached) {
        const hit = await cache.get<string>(key);
        if (hit !== undefined) {
          res.status(200).type('application/json').send(hit);
          return;
        }
      }
      const upstream = await client.request('GET', read.upstream, { query, requestId: requestIdOf(req) });
      if (read.cached && upstream.status === 200) {
        await cache.set(key, JSON.stringify(upstream.body), { ttl: { seconds: cacheTtlSeconds } });
      }
      send(res, upstream);
    });
  }

  router.post('/alerts/:id/acknowledge', async (req, res) => {
    await authorize(req, costAlertManagePermission);
    // Only a signed-in person acknowledges: the cost service records who did.
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const by = credentials.principal.userEntityRef;
    const upstream = await client.request('POST', `/alerts/${encodeURIComponent(req.params.id)}/acknowledge`, {
      body: { by },
      requestId: requestIdOf(req),
    });
    send(res, upstream);
  });

  router.post('/alerts/:id/snooze', async (req, res) => {
    await authorize(req, costAlertManagePermission);
    const upstream = await client.request('POST', `/alerts/${encodeURIComponent(req.params.id)}/snooze`, {
      body: { until: req.body?.until },
      requestId: requestIdOf(req),
    });
    send(res, upstream);
  });

  router.post('/alerts/:id/reopen', async (req, res) => {
    await authorize(req, costAlertManagePermission);
    const upstream = await client.request('POST', `/alerts/${encodeURIComponent(req.params.id)}/reopen`, {
      requestId: requestIdOf(req),
    });
    send(res, upstream);
  });

  // Errors of this router as RFC 9457 problems, like the cost service's own 4xx that pass through unchanged.
  router.use((error: Error, req: Request, res: Response, next: (e?: unknown) => void) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = statusOf(error);
    if (status >= 500) logger.warn(`cost request ${req.method} ${req.path} failed: ${error.message}`);
    res
      .status(status)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: TITLES[status],
          status,
          detail: status === 500 ? 'unexpected error in the cost plugin' : error.message,
          instance: req.originalUrl,
        }),
      );
  });
  return router;
}

function pick(query: Request['query'], names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = query[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

function requestIdOf(req: Request): string | undefined {
  const id = req.header('x-request-id');
  return id && /^[\w.:-]{1,128}$/.test(id) ? id : undefined;
}
