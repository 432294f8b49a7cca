import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { loadInfraEnv } from '@platform/local-infra';
import { createRecommendationService, loadRecommendationConfig, type RecommendationService } from '@platform/recommendation-service';
import request from 'supertest';
import { modelRegistryPlugin } from './plugin';
import { PrometheusGoldenSignalsSource } from './service/GoldenSignalsSource';

jest.setTimeout(60_000);

// The service Model tab's live sources: the real recommendation service in-process (HTTP only: no workers, so it
// serves nothing yet and says so) and the real Prometheus of `yarn infra`.
const infra = loadInfraEnv();
const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const model = `mr-serving-test-${suffix}`;

const keys = () =>
  generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const platformKey = keys();

const component = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { type: 'service', owner: 'group:personalization-team', lifecycle: 'production' },
});
/** the Prometheus self-scrape has no `service` label: a name with no targets at all */
const serving = component('recommendation-service', { 'platform.example.com/mlflow-model': model });
const otherModel = component(`other-${suffix}`, { 'platform.example.com/mlflow-model': 'some-other-model' });
const unscraped = component(`unscraped-${suffix}`, { 'platform.example.com/mlflow-model': model });
const plain = component(`plain-${suffix}`, {});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

let recommendation: RecommendationService;
let recommendationUrl: string;
let closedUrl: string;

async function startPortal(settings: Record<string, unknown> = {}, granted = true) {
  const backend = await startTestBackend({
    features: [
      modelRegistryPlugin,
      mockServices.rootConfig.factory({
        data: {
          modelRegistry: {
            mlflowUrl: infra.MLFLOW_TRACKING_URI,
            databaseUrl: infra.DATABASE_URL,
            recommendationServiceUrl: recommendationUrl,
            serviceToken: { privateKey: platformKey.privateKey },
            prometheusUrl: infra.PROMETHEUS_URL,
            ...settings,
          },
        },
      }),
      mockServices.permissions.mock({
        authorize: async queries => queries.map(() => ({ result: granted ? AuthorizeResult.ALLOW : AuthorizeResult.DENY })),
      }).factory,
      catalogServiceMock.factory({ entities: [serving, otherModel, unscraped, plain] }),
      mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
    ],
  });
  return backend;
}

const asUser = mockCredentials.user.header('user:default/ada');
const path = (ref: string, what: 'serving' | 'signals') => `/api/model-registry/services/${encodeURIComponent(ref)}/${what}`;

beforeAll(async () => {
  closedUrl = `http://127.0.0.1:${await closedPort()}`;
  recommendation = await createRecommendationService(
    loadRecommendationConfig({
      ...infra,
      PORT: '0',
      LOG_LEVEL: 'silent',
      MODEL_NAME: model,
      PRODUCTS_TOPIC: `${model}.products`,
      EVENTS_TOPIC_PREFIX: `${model}.events`,
      RECOMMENDATION_CONSUMER_GROUP_PREFIX: model,
      JWT_PUBLIC_KEY: platformKey.publicKey,
    }),
  );
  recommendationUrl = (await recommendation.service.start()).url;
});
afterAll(async () => {
  await recommendation?.service.stop();
});

describe('Serving now: GET /services/:entityRef/serving reads the running service', () => {
  it('answers what the service serves per variant, asked with the portal service token', async () => {
    const backend = await startPortal();
    try {
      const res = await request(backend.server).get(path('component:default/recommendation-service', 'serving')).set('authorization', asUser);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        entityRef: 'component:default/recommendation-service',
        model,
        registryUp: null,
        lastRegistryContactAt: null,
        variants: [
          { variant: 'control', alias: 'champion', version: null, loadedAt: null, servedAlias: null, servedVersion: null },
          { variant: 'treatment', alias: 'challenger', version: null, loadedAt: null, servedAlias: null, servedVersion: null },
        ],
      });
      expect(Date.parse(res.body.fetchedAt)).not.toBeNaN();
      // a short ref means the default kind and namespace
      expect((await request(backend.server).get(path('recommendation-service', 'serving')).set('authorization', asUser)).status).toBe(200);
    } finally {
      await backend.stop();
    }
  });

  it('refuses an entity whose model the service does not serve, an unknown entity and one without the annotation', async () => {
    const backend = await startPortal();
    try {
      const mismatch = await request(backend.server).get(path(`component:default/other-${suffix}`, 'serving')).set('authorization', asUser);
      expect(mismatch.status).toBe(409);
      expect(mismatch.body).toMatchObject({ code: 'SERVING_MODEL_MISMATCH' });
      expect(mismatch.body.detail).toContain(`serves ${model}`);
      const unknown = await request(backend.server).get(path('component:default/nowhere', 'serving')).set('authorization', asUser);
      expect(unknown.status).toBe(404);
      const bare = await request(backend.server).get(path(`component:default/plain-${suffix}`, 'signals')).set('authorization', asUser);
      expect(bare.status).toBe(404);
      expect(bare.body.detail).toContain('platform.example.com/mlflow-model');
    } finally {
      await backend.stop();
    }
  });

  it('is for readers of models', async () => {
    const backend = await startPortal({}, false);
    try {
      expect((await request(backend.server).get(path('recommendation-service', 'serving')).set('authorization', asUser)).status).toBe(403);
      expect((await request(backend.server).get(path('recommendation-service', 'signals')).set('authorization', asUser)).status).toBe(403);
    } finally {
      await backend.stop();
    }
  });

  it('answers 503 naming the source when the service is down or refuses the token', async () => {
    const down = await startPortal({ recommendationServiceUrl: closedUrl });
    try {
      const res = await request(down.server).get(path('recommendation-service', 'serving')).set('authorization', asUser);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 'serving-service' });
      expect(res.body.detail).toContain(`does not answer at ${closedUrl}/models`);
    } finally {
      await down.stop();
    }
    const wrongKey = await startPortal({ serviceToken: { privateKey: keys().privateKey } });
    try {
      const res = await request(wrongKey.server).get(path('recommendation-service', 'serving')).set('authorization', asUser);
      expect(res.status).toBe(503);
      expect(res.body.detail).toContain('answered 401');
    } finally {
      await wrongKey.stop();
    }
  });
});

describe('Live signals: GET /services/:entityRef/signals queries Prometheus', () => {
  it('reads an instant vector from the real Prometheus', async () => {
    const source = new PrometheusGoldenSignalsSource(infra.PROMETHEUS_URL);
    const up = await source.query('up');
    expect(up.find(sample => sample.metric.job === 'prometheus')?.value[1]).toBe('1');
  });

  it('answers rate, P95 and errors for the entity name as the service label (null: no data)', async () => {
    const backend = await startPortal();
    try {
      const res = await request(backend.server).get(path('component:default/recommendation-service', 'signals')).set('authorization', asUser);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ entityRef: 'component:default/recommendation-service', service: 'recommendation-service', window: '5m' });
      // the target is in infra/local/prometheus.yml: up or down, Prometheus knows it
      expect(typeof res.body.scraped).toBe('boolean');
      for (const key of ['requestRate', 'p95Seconds', 'errorRatio'])
        expect(res.body[key] === null || typeof res.body[key] === 'number').toBe(true);
      expect(Array.isArray(res.body.variants)).toBe(true);
      expect(res.body.queries.requestRate).toBe(
        'sum(rate(http_requests_total{service="recommendation-service",route!~"/metrics|/healthz|/readyz"}[5m]))',
      );
      expect(res.body.queries.variantP95Seconds).toContain('sum by (le, variant) (rate(recommendation_request_duration_seconds_bucket{service="recommendation-service"}[5m]))');

      const none = await request(backend.server).get(path(`component:default/unscraped-${suffix}`, 'signals')).set('authorization', asUser);
      expect(none.status).toBe(200);
      expect(none.body).toMatchObject({ scraped: null, requestRate: null, p95Seconds: null, errorRatio: null, variants: [] });
    } finally {
      await backend.stop();
    }
  });

  it('answers 503 naming Prometheus when it is down or not configured', async () => {
    const down = await startPortal({ prometheusUrl: closedUrl });
    try {
      const res = await request(down.server).get(path('recommendation-service', 'signals')).set('authorization', asUser);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 'prometheus' });
      expect(res.body.detail).toContain(`Prometheus does not answer at ${closedUrl}`);
      // the other live source is not affected
      expect((await request(down.server).get(path('recommendation-service', 'serving')).set('authorization', asUser)).status).toBe(200);
    } finally {
      await down.stop();
    }
    const unset = await startPortal({ prometheusUrl: undefined });
    try {
      const res = await request(unset.server).get(path('recommendation-service', 'signals')).set('authorization', asUser);
      expect(res.status).toBe(503);
      expect(res.body.detail).toContain('modelRegistry.prometheusUrl');
    } finally {
      await unset.stop();
    }
  });
});
