import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  CacheService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, type PolicyDecision } from '@backstage/plugin-permission-common';
import {
  experimentManagePermission,
  experimentReadPermission,
  splitOf,
  type Experiment,
  type ExperimentFilter,
} from '@internal/plugin-experiments-common';
import express, { type Request, type Response } from 'express';
import Router from 'express-promise-router';
import { AbTestingClient, AbTestingUnavailableError, type Answer, type ChangeRequest } from './AbTestingClient';

export interface RouterOptions {
  client: AbTestingClient;
  cache: CacheService;
  cacheTtlSeconds: number;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  /** Applies a conditional decision on experiments.experiment.manage to one experiment (the plugin's rules). */
  authorizeConditions: (decision: PolicyDecision, experiment: Experiment) => boolean;
}

type Action = 'start' | 'ramp' | 'stop' | 'conclude';

const KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;
const STATUSES = new Set(['draft', 'running', 'stopped', 'concluded']);
const KINDS = new Set(['feature', 'model']);
/** The service takes reasons up to 1000 characters; the portal appends who made the change. */
const MAX_REASON = 800;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

function statusOf(error: Error): number {
  if (error instanceof AbTestingUnavailableError) return error.status;
  if (error.name === 'InputError') return 400;
  if (error.name === 'AuthenticationError') return 401;
  if (error.name === 'NotAllowedError') return 403;
  return 500;
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { client, cache, cacheTtlSeconds, httpAuth, permissions, auditor, logger, authorizeConditions } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  // Every change through this backend makes all cached reads stale: their keys carry this generation.
  let generation = 0;

  const authorizeRead = async (req: Request) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission: experimentReadPermission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed: ${experimentReadPermission.name}`);
    }
  };

  const send = (res: Response, answer: Answer<unknown>) => {
    res
      .status(answer.status)
      .type(answer.ok ? 'application/json' : 'application/problem+json')
      .send(JSON.stringify(answer.body));
  };

  /** A read through the cache: only successful answers are kept, for cacheTtlSeconds. */
  const cachedRead = async (res: Response, name: string, load: () => Promise<Answer<unknown>>) => {
    const key = `experiments:${generation}:${name}`;
    if (cacheTtlSeconds > 0) {
      const hit = await cache.get<string>(key);
      if (hit !== undefined) {
        res.status(200).type('application/json').send(hit);
        return;
      }
    }
    const answer = await load();
    if (answer.ok && cacheTtlSeconds > 0) {
      await cache.set(key, JSON.stringify(answer.body), { ttl: { seconds: cacheTtlSeconds } });
    }
    send(res, answer);
  };

  router.get('/experiments', async (req, res) => {
    await authorizeRead(req);
    const filter: ExperimentFilter = {};
    const { status, kind, owner } = req.query;
    if (status !== undefined) {
      if (typeof status !== 'string' || !STATUSES.has(status)) throw new InputError('status: one of draft, running, stopped, concluded');
      filter.status = status as ExperimentFilter['status'];
    }
    if (kind !== undefined) {
      if (typeof kind !== 'string' || !KINDS.has(kind)) throw new InputError('kind: one of feature, model');
      filter.kind = kind as ExperimentFilter['kind'];
    }
    if (owner !== undefined) {
      if (typeof owner !== 'string') throw new InputError('owner: a group ref');
      filter.owner = owner;
    }
    const name = `list?${new URLSearchParams(Object.entries(filter).sort() as Array<[string, string]>)}`;
    await cachedRead(res, name, () => client.listExperiments(filter, requestIdOf(req)));
  });

  router.get('/experiments/:key', async (req, res) => {
    await authorizeRead(req);
    const key = keyOf(req);
    await cachedRead(res, `get:${key}`, () => client.getExperiment(key, requestIdOf(req)));
  });

  router.get('/experiments/:key/audit', async (req, res) => {
    await authorizeRead(req);
    const key = keyOf(req);
    await cachedRead(res, `audit:${key}`, () => client.getAudit(key, requestIdOf(req)));
  });

  router.get('/experiments/:key/results', async (req, res) => {
    await authorizeRead(req);
    const key = keyOf(req);
    await cachedRead(res, `results:${key}`, () => client.getResults(key, requestIdOf(req)));
  });

  /**
   * One change: the signed-in user, the request checked, the experiment read (404 passes through), the portal's own
   * permission check on that experiment (its owner group), then the service called with the portal's service
   * token and the user named in the reason and the evidence. Every attempt is an audit event; a refusal is also a
   * warning in the log.
   */
  const change = (action: Action, call: (key: string, change: ChangeRequest, body: Record<string, unknown>) => Promise<Answer<Experiment>>, validate: (body: Record<string, unknown>) => void) =>
    router.post(`/experiments/:key/${action}`, async (req, res) => {
      const key = keyOf(req);
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const user = credentials.principal.userEntityRef;
      const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      const event = await auditor.createEvent({
        eventId: 'experiment-change',
        severityLevel: 'medium',
        request: req,
        meta: { action, experimentKey: key, actor: user },
      });
      let audited = false;
      const fail = async (error: Error, meta: Record<string, string | number | null> = {}) => {
        audited = true;
        await event.fail({ error, meta: { action, experimentKey: key, actor: user, ...meta } });
      };
      try {
        validate(body);
        const reason = typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim() : undefined;
        const current = await client.getExperiment(key, requestIdOf(req));
        if (!current.ok) {
          await fail(new Error(current.body.detail ?? `experiment ${key}: ${current.status}`), { upstreamStatus: current.status });
          send(res, current);
          return;
        }
        const owner = current.body.owner;
        if (!(await mayManage(permissions, authorizeConditions, credentials, current.body))) {
          const error = new NotAllowedError(
            `${user} may not ${action} experiment ${key}: only members of its owner group ${owner} may (${experimentManagePermission.name})`,
          );
          logger.warn('experiment change refused', {
            audit: true,
            action,
            experimentKey: key,
            owner,
            actor: user,
            reason: reason ?? null,
            permission: experimentManagePermission.name,
          });
          await fail(error, { owner, decision: 'deny', reason: reason ?? null });
          throw error;
        }
        const answer = await call(
          key,
          {
            reason: `${reason ?? `${action} from the portal`} (by ${user} in the portal)`,
            evidence: { portalUser: user, via: 'backstage-portal' },
            requestId: requestIdOf(req),
          },
          body,
        );
        generation += 1;
        if (answer.ok) {
          audited = true;
          await event.success({
            meta: { action, experimentKey: key, actor: user, owner, from: splitOf(current.body.variants), to: splitOf(answer.body.variants), status: answer.body.status },
          });
        } else {
          await fail(new Error(answer.body.detail ?? answer.body.title ?? `${answer.status}`), { owner, upstreamStatus: answer.status });
          if (answer.status === 401 || answer.status === 403) {
            answer.body = {
              ...answer.body,
              detail: `The A/B testing service refused the portal's service token: ${answer.body.detail ?? answer.body.title ?? answer.status}`,
            };
          }
        }
        send(res, answer);
      } catch (error) {
        if (!audited) await fail(error as Error);
        throw error;
      }
    });

  change(
    'start',
    (key, c) => client.start(key, c),
    body => {
      optionalReason(body);
    },
  );

  change(
    'ramp',
    (key, c, body) => client.ramp(key, rampVariants(body), c),
    body => {
      requiredReason(body);
      rampVariants(body);
    },
  );

  change(
    'stop',
    (key, c) => client.stop(key, c),
    body => {
      requiredReason(body);
    },
  );

  change(
    'conclude',
    (key, c, body) => client.conclude(key, body.winner as string, c),
    body => {
      requiredReason(body);
      if (typeof body.winner !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(body.winner)) {
        throw new InputError('winner: the name of one of the experiment\'s variants');
      }
    },
  );

  // Errors of this router as RFC 9457 problems, like the service's own 4xx that pass through unchanged.
  router.use((error: Error, req: Request, res: Response, next: (e?: unknown) => void) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = statusOf(error);
    if (status === 500) logger.error(`experiments request ${req.method} ${req.path} failed`, error);
    else if (status >= 500) logger.warn(`experiments request ${req.method} ${req.path} failed: ${error.message}`);
    res
      .status(status)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: TITLES[status],
          status,
          detail: status === 500 ? 'unexpected error in the experiments plugin' : error.message,
          instance: req.originalUrl,
          ...(error instanceof AbTestingUnavailableError ? { upstream: 'ab-testing-service', upstreamUrl: client.baseUrl } : {}),
        }),
      );
  });
  return router;
}

/**
 * The portal's permission check on one experiment: the policy's decision for the user, and when it is conditional
 * (members of the owner group), its conditions applied here to the experiment just read from the service.
 */
async function mayManage(
  permissions: PermissionsService,
  authorizeConditions: RouterOptions['authorizeConditions'],
  credentials: BackstageCredentials<BackstageUserPrincipal>,
  experiment: Experiment,
) {
  const [decision] = await permissions.authorizeConditional([{ permission: experimentManagePermission }], { credentials });
  if (decision.result === AuthorizeResult.CONDITIONAL) return authorizeConditions(decision, experiment);
  return decision.result === AuthorizeResult.ALLOW;
}

function keyOf(req: Request): string {
  const key = String(req.params.key);
  if (!KEY.test(key)) throw new InputError(`key: not an experiment key (${KEY.source})`);
  return key;
}

function optionalReason(body: Record<string, unknown>): void {
  if (body.reason === undefined) return;
  if (typeof body.reason !== 'string' || body.reason.length > MAX_REASON || body.reason.includes('\u0000')) {
    throw new InputError(`reason: text of at most ${MAX_REASON} characters`);
  }
}

function requiredReason(body: Record<string, unknown>): void {
  if (typeof body.reason !== 'string' || !body.reason.trim()) throw new InputError('reason: say why (required)');
  optionalReason(body);
}

/** `{variants: [{name, weight}]}` or `{weights: {name: weight}}`; the service checks the names and the sum (422). */
function rampVariants(body: Record<string, unknown>): Array<{ name: string; weight: number }> {
  let variants: Array<{ name: unknown; weight: unknown }>;
  if (Array.isArray(body.variants)) variants = body.variants as Array<{ name: unknown; weight: unknown }>;
  else if (typeof body.weights === 'object' && body.weights !== null && !Array.isArray(body.weights)) {
    variants = Object.entries(body.weights).map(([name, weight]) => ({ name, weight }));
  } else throw new InputError('variants: every variant once with its new weight, e.g. [{"name":"control","weight":50}, ...]');
  if (variants.length < 2 || variants.length > 10) throw new InputError('variants: 2 to 10 variants');
  return variants.map((v, i) => {
    if (typeof v?.name !== 'string' || !Number.isInteger(v.weight) || (v.weight as number) < 0 || (v.weight as number) > 100) {
      throw new InputError(`variants/${i}: a name and a whole percent from 0 to 100`);
    }
    return { name: v.name, weight: v.weight as number };
  });
}

function requestIdOf(req: Request): string | undefined {
  const id = req.header('x-request-id');
  return id && /^[\w.:-]{1,128}$/.test(id) ? id : undefined;
}
