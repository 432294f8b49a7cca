import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  PROMOTION_METRIC,
  modelPromoteOverridePermission,
  modelPromotePermission,
  modelReadPermission,
  modelRollbackPermission,
  type ActionResult,
  type ModelCatalogEntity,
  type ModelDetail,
  type ModelSummary,
  type GoldenSignals,
  type ServingStatus,
} from '@internal/plugin-model-registry-common';
import { RegistryPreconditionError } from '@platform/model-registry';
import express, { type Request, type Response } from 'express';
import Router from 'express-promise-router';
import { ActionRefusedError, ModelNotFoundError, RegistryUnavailableError, SourceUnavailableError } from './errors';
import type { GoldenSignalsSource } from './GoldenSignalsSource';
import type { ModelCatalog } from './ModelCatalog';
import type { ServingStatusSource } from './ServingStatusSource';
import type { ModelRegistryClient } from './ModelRegistryClient';

export interface RouterOptions {
  client: ModelRegistryClient;
  catalog: ModelCatalog;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  /** the running serving service (`GET /models`) */
  serving: ServingStatusSource;
  /** Prometheus; undefined when modelRegistry.prometheusUrl is unset */
  signals?: GoldenSignalsSource;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The registry's failed preconditions: the request was fine, the model's state does not allow it. */
const PRECONDITION_STATUS: Record<string, 400 | 404 | 409 | 422> = {
  INVALID_ARGUMENT: 400,
  MODEL_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 422,
  NO_CHALLENGER: 409,
  NO_PREVIOUS_CHAMPION: 409,
  ALREADY_CHAMPION: 409,
  CHAMPION_CHANGED: 409,
};

const REASON_MAX = 1000;
const HISTORY_LIMIT_MAX = 500;

function problemOf(error: Error): { status: number; code?: string; extra?: Record<string, unknown> } {
  if (error instanceof RegistryUnavailableError) return { status: 503, code: 'REGISTRY_UNAVAILABLE', extra: { dependency: error.dependency } };
  if (error instanceof ModelNotFoundError) return { status: 404, code: 'MODEL_NOT_FOUND' };
  if (error instanceof SourceUnavailableError) return { status: 503, code: 'SOURCE_UNAVAILABLE', extra: { source: error.source } };
  if (error instanceof ActionRefusedError) return { status: error.status, code: error.code };
  if (error instanceof RegistryPreconditionError) return { status: PRECONDITION_STATUS[error.code] ?? 409, code: error.code };
  if (error.name === 'InputError') return { status: 400 };
  if (error.name === 'NotFoundError') return { status: 404 };
  if (error.name === 'NotAllowedError') return { status: 403 };
  if (error.name === 'AuthenticationError') return { status: 401 };
  return { status: 500 };
}

function reasonOf(body: unknown): string {
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  if (typeof reason !== 'string' || !reason.trim()) throw new InputError('reason is required: say why, in words');
  if (reason.length > REASON_MAX) throw new InputError(`reason is longer than ${REASON_MAX} characters`);
  return reason.trim();
}

function versionOf(body: unknown): string {
  const version = (body as { version?: unknown } | undefined)?.version;
  const text = typeof version === 'number' ? String(version) : version;
  if (typeof text !== 'string' || !/^[1-9]\d{0,9}$/.test(text)) throw new InputError('version is required: a version number such as "3"');
  return text;
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { client, catalog, httpAuth, permissions, auditor, logger, serving, signals } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  const allowed = async (credentials: BackstageCredentials, request: Parameters<PermissionsService['authorize']>[0][number]) => {
    const [decision] = await permissions.authorize([request], { credentials });
    return decision.result === AuthorizeResult.ALLOW;
  };

  const mayRead = async (req: Request) => {
    const credentials = await httpAuth.credentials(req);
    if (!(await allowed(credentials, { permission: modelReadPermission })))
      throw new NotAllowedError(`not allowed: ${modelReadPermission.name}`);
  };

  /** The signed-in user (only people act), allowed `permission` on the model's catalog entity. */
  const actor = async (req: Request, permission: typeof modelPromotePermission, entity: ModelCatalogEntity | null) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (!entity)
      throw new NotAllowedError(
        `no catalog entity carries the annotation platform.example.com/mlflow-model for model ${req.params.name}: without an owner, ${permission.name} cannot be granted`,
      );
    if (!(await allowed(credentials, { permission, resourceRef: entity.entityRef })))
      throw new NotAllowedError(`not allowed: ${permission.name} on ${entity.entityRef}`);
    return { credentials, user: credentials.principal as BackstageUserPrincipal };
  };

  const modelName = (req: Request) => {
    const name = req.params.name;
    if (!name || name.length > 256) throw new InputError('a model name is required');
    return name;
  };

  router.get('/models', async (req, res) => {
    await mayRead(req);
    const [models, entities] = await Promise.all([client.listModels(), catalog.all()]);
    const items: ModelSummary[] = models.map(model => ({ ...model, catalog: entities.get(model.name) ?? null }));
    res.json({ items });
  });

  router.get('/models/:name', async (req, res) => {
    await mayRead(req);
    const name = modelName(req);
    const [model, entity] = await Promise.all([client.getModel(name), catalog.forModel(name)]);
    const detail: ModelDetail = { ...model, catalog: entity };
    res.json(detail);
  });

  router.get('/models/:name/history', async (req, res) => {
    await mayRead(req);
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_LIMIT_MAX)
      throw new InputError(`limit must be an integer from 1 to ${HISTORY_LIMIT_MAX}`);
    res.json({ items: await client.getHistory(modelName(req), limit) });
  });

  router.get('/models/:name/champion-at', async (req, res) => {
    await mayRead(req);
    const at = typeof req.query.at === 'string' ? new Date(req.query.at) : undefined;
    if (!at || Number.isNaN(at.getTime())) throw new InputError('at is required: an ISO 8601 time');
    res.json(await client.championAt(modelName(req), at));
  });

  /** The entity of a service Model tab, for a reader of models who may see it in the catalog. */
  const servingEntity = async (req: Request) => {
    const credentials = await httpAuth.credentials(req);
    if (!(await allowed(credentials, { permission: modelReadPermission })))
      throw new NotAllowedError(`not allowed: ${modelReadPermission.name}`);
    return catalog.servingEntity(req.params.entityRef, credentials);
  };

  router.get('/services/:entityRef/serving', async (req, res) => {
    const entity = await servingEntity(req);
    const served = await serving.servedModels();
    if (served.model !== entity.model) {
      throw new ActionRefusedError(
        409,
        'SERVING_MODEL_MISMATCH',
        `${entity.entityRef} names the model ${entity.model}, but the configured serving service serves ${served.model}`,
      );
    }
    const status: ServingStatus = { entityRef: entity.entityRef, ...served, fetchedAt: new Date().toISOString() };
    res.json(status);
  });

  router.get('/services/:entityRef/signals', async (req, res) => {
    const entity = await servingEntity(req);
    if (!signals) throw new SourceUnavailableError('prometheus', 'no Prometheus configured (modelRegistry.prometheusUrl)');
    const body: GoldenSignals = { entityRef: entity.entityRef, ...(await signals.signals(entity.name)) };
    res.json(body);
  });

  router.post('/models/:name/promote', async (req, res) => {
    const name = modelName(req);
    const event = await auditor.createEvent({
      eventId: 'model-promote',
      severityLevel: 'high',
      request: req,
      meta: { model: name, version: String(req.body?.version ?? ''), reason: String(req.body?.reason ?? '') },
    });
    try {
      const version = versionOf(req.body);
      const reason = reasonOf(req.body);
      const entity = await catalog.forModel(name);
      const { credentials, user } = await actor(req, modelPromotePermission, entity);

      // The rule: a version whose offline metric is below the champion's is refused, unless overridden.
      const model = await client.getModel(name, { fresh: true });
      const champion = model.aliases.champion;
      const candidate = model.versions.find(v => v.version === version);
      const current = champion ? model.versions.find(v => v.version === champion) : undefined;
      let overridden = false;
      const below =
        candidate && current && current.recallAt20 !== null && (candidate.recallAt20 === null || candidate.recallAt20 < current.recallAt20);
      if (below) {
        const metricOf = (v: typeof candidate) => (v.recallAt20 === null ? 'none' : String(v.recallAt20));
        if (!(await allowed(credentials, { permission: modelPromoteOverridePermission })))
          throw new ActionRefusedError(
            422,
            'PROMOTION_REFUSED',
            `version ${version} has ${PROMOTION_METRIC} ${metricOf(candidate)}, below the champion (version ${champion}) at ${metricOf(current)}: promoting it needs the permission ${modelPromoteOverridePermission.name}`,
          );
        overridden = true;
      }
      const entry = await client.promote({
        model: name,
        version,
        actor: user.userEntityRef,
        reason,
        ifChampion: champion,
        evidence: {
          source: 'portal',
          metric: PROMOTION_METRIC,
          candidate: candidate?.recallAt20 ?? null,
          champion: champion ?? null,
          championMetric: current?.recallAt20 ?? null,
          overridden,
        },
      });
      await event.success({ meta: { historyId: entry.id, actor: user.userEntityRef, overridden } });
      logger.info(`model ${name}: ${user.userEntityRef} promoted version ${version}${overridden ? ' (override)' : ''}: ${reason}`);
      const result: ActionResult = { entry, overridden };
      res.json(result);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.post('/models/:name/rollback', async (req, res) => {
    const name = modelName(req);
    const event = await auditor.createEvent({
      eventId: 'model-rollback',
      severityLevel: 'high',
      request: req,
      meta: { model: name, reason: String(req.body?.reason ?? '') },
    });
    try {
      const reason = reasonOf(req.body);
      const entity = await catalog.forModel(name);
      const { user } = await actor(req, modelRollbackPermission, entity);
      const entry = await client.rollback({ model: name, actor: user.userEntityRef, reason, evidence: { source: 'portal' } });
      await event.success({ meta: { historyId: entry.id, actor: user.userEntityRef, version: entry.version } });
      logger.info(`model ${name}: ${user.userEntityRef} rolled back to version ${entry.version}: ${reason}`);
      const result: ActionResult = { entry, overridden: false };
      res.json(result);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  // Errors of this router as RFC 9457 problems; `detail` is what the page shows.
  router.use((error: Error, req: Request, res: Response, next: (e?: unknown) => void) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, code, extra } = problemOf(error);
    if (status >= 500) logger.warn(`model registry request ${req.method} ${req.path} failed: ${error.message}`);
    res
      .status(status)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: TITLES[status] ?? 'Error',
          status,
          detail: status === 500 ? 'unexpected error in the model registry plugin' : error.message,
          instance: req.originalUrl,
          ...(code ? { code } : {}),
          ...extra,
        }),
      );
  });
  return router;
}
