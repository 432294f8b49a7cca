import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { loadInfraEnv } from '@platform/local-infra';
import { MlflowClient, ModelRegistry } from '@platform/model-registry';
import { testDatabase, type TestDatabase } from '@platform/service-kit/testing';
import request from 'supertest';
import { modelRegistryPlugin } from './plugin';

// Against the real MLflow tracking server and PostgreSQL of `yarn infra`, with model names and a database of its own.
const infra = loadInfraEnv();
const mlflow = new MlflowClient(infra.MLFLOW_TRACKING_URI);
const suffix = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const model = `mr-plugin-test-${suffix}`;
const unlisted = `mr-plugin-test-unlisted-${suffix}`;
const ALL = [
  'model-registry.model.read',
  'model-registry.model.promote',
  'model-registry.model.rollback',
  'model-registry.model.promote.override',
];
const OWNER = ['model-registry.model.read', 'model-registry.model.promote', 'model-registry.model.rollback'];

let db: TestDatabase;
let registry: ModelRegistry;

/** The Resource of type ml-model that carries the model's annotation, as in catalog-info/resources.yaml. */
const resource: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: model, title: `Model ${model}`, annotations: { 'platform.example.com/mlflow-model': model } },
  spec: { type: 'ml-model', owner: 'group:personalization-team' },
};
/** The service that serves it carries the same annotation; the Resource wins. */
const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: `svc-${suffix}`, annotations: { 'platform.example.com/mlflow-model': model } },
  spec: { type: 'service', owner: 'group:storefront-team', lifecycle: 'production' },
};

/** Versions 1..n of `name`, each from a run with params, metrics and the trainer's tags. */
async function registerVersions(name: string, recalls: number[]) {
  const experimentId = await mlflow.getOrCreateExperiment(`mr-plugin-test-${suffix}`);
  await mlflow.createRegisteredModel(name, 'model registry plugin test');
  for (const [index, recall] of recalls.entries()) {
    const run = await mlflow.createRun(experimentId, `v${index + 1}`, {});
    await mlflow.logBatch(run.info.run_id, {
      params: { factors: String(32 + index), epochs: '10' },
      metrics: [
        { key: 'model_recall_at_20', value: recall, timestamp: Date.now(), step: 0 },
        { key: 'model_ndcg_at_10', value: recall / 2, timestamp: Date.now(), step: 0 },
      ],
    });
    await mlflow.finishRun(run.info.run_id, 'FINISHED');
    const version = await mlflow.createModelVersion(name, `${run.info.artifact_uri}/model`, run.info.run_id, {
      dataset_sha256: `sha-${index + 1}`,
      model_recall_at_20: String(recall),
      popularity_recall_at_20: '0.05',
    });
    expect(version.version).toBe(String(index + 1));
  }
}

function permissionsGranting(names: string[]) {
  const requests: Array<{ permission: string; resourceRef?: string }> = [];
  const mock = mockServices.permissions.mock({
    authorize: async queries =>
      queries.map(query => {
        requests.push({ permission: query.permission.name, resourceRef: (query as { resourceRef?: string }).resourceRef });
        return { result: names.includes(query.permission.name) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
      }),
  });
  return { factory: mock.factory, requests };
}

const audit: Array<{ eventId: string; outcome: 'success' | 'fail'; meta?: unknown }> = [];
const auditor = mockServices.auditor.mock({
  createEvent: async ({ eventId }) => ({
    success: async options => {
      audit.push({ eventId, outcome: 'success', meta: options?.meta });
    },
    fail: async options => {
      audit.push({ eventId, outcome: 'fail', meta: options.error.message });
    },
  }),
});

async function startPortal(options: { granted?: string[]; mlflowUrl?: string } = {}) {
  const permissions = permissionsGranting(options.granted ?? ALL);
  const backend = await startTestBackend({
    features: [
      modelRegistryPlugin,
      mockServices.rootConfig.factory({
        data: {
          modelRegistry: {
            mlflowUrl: options.mlflowUrl ?? infra.MLFLOW_TRACKING_URI,
            historyDatabaseUrl: db.url,
            mlflowRetryMs: 0,
          },
        },
      }),
      permissions.factory,
      auditor.factory,
      catalogServiceMock.factory({ entities: [service, resource] }),
      mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
    ],
  });
  db.closeBeforeDrop(() => backend.stop());
  return { server: backend.server, requests: permissions.requests };
}

const asUser = mockCredentials.user.header('user:default/ada');
const api = `/api/model-registry/models`;

beforeAll(async () => {
  db = await testDatabase(infra.DATABASE_URL, 'model_registry_plugin_test');
  registry = new ModelRegistry(mlflow, db.pool());
  await registry.migrate();
  await registerVersions(model, [0.2, 0.25, 0.18]);
  await registerVersions(unlisted, [0.1]);
  await registry.nominate({ model, version: '1', actor: 'trainer', reason: 'trained' });
  await registry.promote({ model, actor: 'trainer', reason: 'first champion' });
}, 120_000);

afterAll(async () => {
  for (const name of [model, unlisted]) await mlflow.deleteRegisteredModel(name).catch(() => undefined);
  await db?.drop();
});

describe('model registry backend against MLflow and the history database', () => {
  it('lists models with champion, challenger, last training time and the catalog owner', async () => {
    const { server } = await startPortal();
    const { body } = await request(server).get(api).set('authorization', asUser).expect(200);
    const found = body.items.find((m: { name: string }) => m.name === model);
    expect(found).toMatchObject({
      aliases: { champion: '1', challenger: null, 'previous-champion': null },
      latestVersion: '3',
      catalog: { entityRef: `resource:default/${model}`, owner: 'group:default/personalization-team' },
    });
    expect(Date.parse(found.lastTrainedAt)).toBeGreaterThan(Date.now() - 3_600_000);
    expect(body.items.find((m: { name: string }) => m.name === unlisted)).toMatchObject({ catalog: null });
  });

  it('shows every version with run, dataset fingerprint, offline metrics, params, tags and aliases', async () => {
    const { server } = await startPortal();
    const { body } = await request(server).get(`${api}/${model}`).set('authorization', asUser).expect(200);
    expect(body.versions.map((v: { version: string }) => v.version)).toEqual(['3', '2', '1']);
    const v1 = body.versions[2];
    expect(v1).toMatchObject({
      version: '1',
      datasetSha256: 'sha-1',
      recallAt20: 0.2,
      popularityRecallAt20: 0.05,
      aliases: ['champion'],
      params: { factors: '32', epochs: '10' },
      metrics: { model_recall_at_20: 0.2, model_ndcg_at_10: 0.1 },
      status: 'READY',
    });
    expect(v1.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(v1.tags).toMatchObject({ promoted_by: 'trainer', promotion_reason: 'first champion' });
    expect(body.catalog.owner).toBe('group:default/personalization-team');
    await request(server).get(`${api}/no-such-model-${suffix}`).set('authorization', asUser).expect(404);
  });

  it('promotes a better version for the signed-in user, on the model entity, and audits it', async () => {
    const { server, requests } = await startPortal({ granted: OWNER });
    await request(server).get(`${api}/${model}`).set('authorization', asUser).expect(200); // now cached
    const { body } = await request(server)
      .post(`${api}/${model}/promote`)
      .set('authorization', asUser)
      .send({ version: '2', reason: 'better recall offline' })
      .expect(200);
    expect(body).toMatchObject({
      overridden: false,
      entry: { action: 'promote', version: '2', actor: 'user:default/ada', reason: 'better recall offline' },
    });
    expect(body.entry.after).toEqual({ champion: '2', challenger: null, 'previous-champion': '1' });
    expect(body.entry.evidence).toMatchObject({ candidate: 0.25, championMetric: 0.2, champion: '1' });
    expect(requests).toContainEqual({ permission: 'model-registry.model.promote', resourceRef: `resource:default/${model}` });
    expect(audit).toContainEqual({ eventId: 'model-promote', outcome: 'success', meta: expect.objectContaining({ historyId: body.entry.id }) });
    // the action cleared the cache
    const after = await request(server).get(`${api}/${model}`).set('authorization', asUser).expect(200);
    expect(after.body.aliases.champion).toBe('2');
  });

  it('refuses a version below the champion without the override permission, and changes nothing', async () => {
    const { server } = await startPortal({ granted: OWNER });
    const response = await request(server)
      .post(`${api}/${model}/promote`)
      .set('authorization', asUser)
      .send({ version: '3', reason: 'try it' })
      .expect(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 422, code: 'PROMOTION_REFUSED' });
    expect(response.body.detail).toMatch(/version 3 has model_recall_at_20 0.18, below the champion \(version 2\) at 0.25/);
    expect((await registry.aliases(model)).champion).toBe('2');
  });

  it('rolls back to the previous champion', async () => {
    const { server } = await startPortal({ granted: OWNER });
    const { body } = await request(server)
      .post(`${api}/${model}/rollback`)
      .set('authorization', asUser)
      .send({ reason: 'error rate after the swap' })
      .expect(200);
    expect(body.entry).toMatchObject({ action: 'rollback', version: '1', actor: 'user:default/ada', reason: 'error rate after the swap' });
    expect(await registry.aliases(model)).toEqual({ champion: '1', challenger: null, 'previous-champion': null });
    const again = await request(server).post(`${api}/${model}/rollback`).set('authorization', asUser).send({ reason: 'again' }).expect(409);
    expect(again.body.code).toBe('NO_PREVIOUS_CHAMPION');
  });

  it('promotes a version below the champion for a holder of the override permission', async () => {
    const { server } = await startPortal({ granted: ALL });
    const { body } = await request(server)
      .post(`${api}/${model}/promote`)
      .set('authorization', asUser)
      .send({ version: '3', reason: 'needed for the new catalogue despite recall' })
      .expect(200);
    expect(body).toMatchObject({ overridden: true, entry: { version: '3', evidence: { overridden: true } } });
    expect((await registry.aliases(model)).champion).toBe('3');
  });

  it('answers the alias history newest first and the champion at a time', async () => {
    const { server } = await startPortal();
    const { body } = await request(server).get(`${api}/${model}/history`).set('authorization', asUser).expect(200);
    expect(body.items.map((e: { action: string; version: string }) => `${e.action} ${e.version}`)).toEqual([
      'promote 3',
      'rollback 1',
      'promote 2',
      'promote 1',
      'nominate 1',
    ]);
    const secondPromotion = body.items[2];
    const at = new Date(Date.parse(secondPromotion.at) + 1).toISOString();
    const then = await request(server).get(`${api}/${model}/champion-at`).query({ at }).set('authorization', asUser).expect(200);
    expect(then.body).toMatchObject({ known: true, version: '2', entry: { id: secondPromotion.id } });
    const before = await request(server)
      .get(`${api}/${model}/champion-at`)
      .query({ at: '2000-01-01T00:00:00Z' })
      .set('authorization', asUser)
      .expect(200);
    expect(before.body).toMatchObject({ known: false, version: null });
    await request(server).get(`${api}/${model}/champion-at`).query({ at: 'yesterday' }).set('authorization', asUser).expect(400);
  });

  it('refuses actions without the permission (403) and audits the refusal', async () => {
    const { server } = await startPortal({ granted: ['model-registry.model.read'] });
    const promote = await request(server)
      .post(`${api}/${model}/promote`)
      .set('authorization', asUser)
      .send({ version: '2', reason: 'x' })
      .expect(403);
    expect(promote.body).toMatchObject({ status: 403, title: 'Forbidden' });
    await request(server).post(`${api}/${model}/rollback`).set('authorization', asUser).send({ reason: 'x' }).expect(403);
    expect(audit.filter(e => e.outcome === 'fail').map(e => e.eventId)).toEqual(expect.arrayContaining(['model-promote', 'model-rollback']));
    expect((await registry.aliases(model)).champion).toBe('3');
    // no catalog entity, no owner to grant it to
    await request(server).post(`${api}/${unlisted}/rollback`).set('authorization', asUser).send({ reason: 'x' }).expect(403);

    const reader = await startPortal({ granted: [] });
    await request(reader.server).get(api).set('authorization', asUser).expect(403);
    await request(reader.server).get(api).expect(401);
  });

  it('checks the request: a reason and a version number', async () => {
    const { server } = await startPortal();
    const noReason = await request(server).post(`${api}/${model}/promote`).set('authorization', asUser).send({ version: '2' }).expect(400);
    expect(noReason.body.detail).toMatch(/reason is required/);
    await request(server).post(`${api}/${model}/promote`).set('authorization', asUser).send({ version: 'two', reason: 'r' }).expect(400);
    const missing = await request(server).post(`${api}/${model}/promote`).set('authorization', asUser).send({ version: '99', reason: 'r' }).expect(422);
    expect(missing.body.code).toBe('VERSION_NOT_FOUND');
  });

  it('answers 503 problems with a message when MLflow is down, and keeps serving', async () => {
    const { server } = await startPortal({ mlflowUrl: 'http://127.0.0.1:9' });
    const list = await request(server).get(api).set('authorization', asUser).expect(503);
    expect(list.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(list.body).toMatchObject({ status: 503, code: 'REGISTRY_UNAVAILABLE', dependency: 'mlflow' });
    expect(list.body.detail).toMatch(/MLflow is unreachable at http:\/\/127.0.0.1:9/);
    await request(server).get(`${api}/${model}`).set('authorization', asUser).expect(503);
    const promote = await request(server).post(`${api}/${model}/promote`).set('authorization', asUser).send({ version: '2', reason: 'r' }).expect(503);
    expect(promote.body.detail).toMatch(/MLflow is unreachable/);
    // the history lives in PostgreSQL and is still there
    await request(server).get(`${api}/${model}/history`).set('authorization', asUser).expect(200);
  });
});

describe('configuration', () => {
  it('refuses to start without an MLflow URL or a history database', async () => {
    await expect(
      startTestBackend({
        features: [modelRegistryPlugin, mockServices.rootConfig.factory({ data: { modelRegistry: { mlflowUrl: 'http://127.0.0.1:9' } } })],
      }),
    ).rejects.toThrow(/historyDatabaseUrl/);
    await expect(
      startTestBackend({
        features: [modelRegistryPlugin, mockServices.rootConfig.factory({ data: { modelRegistry: { mlflowUrl: 'ftp://x', databaseUrl: 'postgres://a/b' } } })],
      }),
    ).rejects.toThrow(/mlflowUrl must be a http or https URL/);
  });
});
