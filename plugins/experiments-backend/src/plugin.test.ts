import {
  coreServices,
  createServiceFactory,
  type AuditorServiceCreateEventOptions,
  type BackstageCredentials,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { PlatformPermissionPolicy } from '@internal/plugin-permission-backend-module-platform-policy';
import { createAbTestingService, loadAbTestingConfig, type ExperimentInput } from '@platform/ab-testing-service';
import { loadInfraEnv } from '@platform/local-infra';
import { createJwtIssuer } from '@platform/service-kit';
import { testDatabase } from '@platform/service-kit/testing';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { experimentsPlugin } from './plugin';

jest.setTimeout(60_000);

/** The platform's signing key as the portal and the services share it (SERVICE_JWT_PRIVATE_KEY / JWT_PUBLIC_KEY). */
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The people of catalog-info/org.yaml the tests sign in as, with the ownership refs their sign-in gives them. */
const OWNERSHIP: Record<string, string[]> = {
  'user:default/sofia.rossi': ['user:default/sofia.rossi', 'group:default/personalization-team', 'group:default/engineering'],
  'user:default/maria.gonzalez': ['user:default/maria.gonzalez', 'group:default/storefront-team', 'group:default/engineering'],
  'user:default/guest': ['user:default/guest', 'group:default/platform-admins'],
};
const member = mockCredentials.user.header('user:default/sofia.rossi');

/**
 * The portal's permission decisions for this plugin: the real platform policy, for the user as their sign-in
 * resolves them. Evaluated in process rather than through the permission backend: the backend (0.7) and the
 * conditions endpoint accept a user's request only with an actor (the calling plugin), which the mock auth drops
 * from on-behalf-of tokens. The conditions endpoint itself is tested below, called as the permission backend.
 */
const platformPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory(): PermissionsService {
    const policy = new PlatformPermissionPolicy();
    const userOf = (credentials: BackstageCredentials): PolicyQueryUser | undefined => {
      const principal = credentials.principal as { type: string; userEntityRef?: string };
      if (principal.type !== 'user' || !principal.userEntityRef) return undefined;
      const info = { userEntityRef: principal.userEntityRef, ownershipEntityRefs: OWNERSHIP[principal.userEntityRef] ?? [principal.userEntityRef] };
      return { info, credentials } as PolicyQueryUser;
    };
    return {
      async authorizeConditional(requests, options) {
        return Promise.all(requests.map(r => policy.handle({ permission: r.permission }, userOf(options.credentials)))) as never;
      },
      async authorize(requests, options) {
        return Promise.all(
          requests.map(async r => {
            const decision = await policy.handle({ permission: r.permission }, userOf(options.credentials));
            if (decision.result === AuthorizeResult.CONDITIONAL) throw new Error('conditional decisions are applied by the plugin (authorizeConditional)');
            return decision;
          }),
        );
      },
    };
  },
});
const nonMember = mockCredentials.user.header('user:default/maria.gonzalez');

const ranking: ExperimentInput = {
  key: 'recommendation-ranking',
  name: 'Ranking: champion vs challenger',
  hypothesis: 'The challenger ranks purchases higher',
  owner: 'group:personalization-team',
  kind: 'model',
  model: 'recommendation-ranker',
  variants: [
    { name: 'control', weight: 90, modelAlias: 'champion' },
    { name: 'treatment', weight: 10, modelAlias: 'challenger' },
  ],
};

/** The real A/B testing service on its own database, trusting tokens of the platform key. */
async function startAbTesting() {
  const infra = loadInfraEnv();
  const db = await testDatabase(infra.DATABASE_URL, 'experiments_plugin_test');
  const app = await createAbTestingService(
    loadAbTestingConfig({
      DATABASE_URL: infra.DATABASE_URL,
      AB_TESTING_DATABASE: db.name,
      PORT: '0',
      LOG_LEVEL: 'silent',
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      PG_POOL_MAX: '4',
    }),
  );
  db.closeBeforeDrop(() => app.stop());
  const { url } = await app.start();
  const operator = await createJwtIssuer({ privateKeyPem, issuer: 'user-service', audience: 'platform', ttlSeconds: 600 });
  const adminToken = await operator.sign({ sub: 'ops-1', roles: ['admin'] });
  const actor = { sub: 'test-seed', roles: ['admin'] };
  await app.store.create(ranking, { actor });
  await app.store.start(ranking.key, { actor });
  await app.store.create({ ...ranking, key: 'search-boost', kind: 'feature', model: undefined, owner: 'group:catalog-team', variants: [{ name: 'control', weight: 50 }, { name: 'boost', weight: 50 }] }, { actor });
  await app.store.start('search-boost', { actor });
  await app.store.create({ ...ranking, key: 'ranking-draft' }, { actor });
  return {
    url,
    /** the A/B service called directly, as an operator */
    direct: () => request.agent(url).set('authorization', `Bearer ${adminToken}`),
    stop: () => db.drop(),
  };
}

interface AuditRecord {
  options: AuditorServiceCreateEventOptions;
  outcome?: { result: 'success' | 'fail'; meta?: unknown; error?: Error };
}

/** The portal: this plugin, the platform policy deciding, sign-ins resolved as in the catalog. */
async function startPortal(abTestingUrl: string) {
  const audit: AuditRecord[] = [];
  const auditor = mockServices.auditor.mock({
    async createEvent(options) {
      const record: AuditRecord = { options };
      audit.push(record);
      return {
        async success(o) {
          record.outcome = { result: 'success', meta: o?.meta };
        },
        async fail(o) {
          record.outcome = { result: 'fail', meta: o.meta, error: o.error };
        },
      };
    },
  });
  const { server } = await startTestBackend({
    features: [
      experimentsPlugin,
      platformPermissions,
      mockServices.rootConfig.factory({
        data: {
          experiments: { abTestingUrl, cacheTtlSeconds: 300, serviceToken: { privateKey: privateKeyPem } },
        },
      }),
      auditor.factory,
      mockServices.rootLogger.factory({ level: 'error' }),
      // Without this the mock treats a request without a token as the default user.
      mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
    ],
  });
  return { server, audit };
}

const weights = (body: { variants: Array<{ weight: number }> }) => body.variants.map(v => v.weight).join('/');

describe('experiments backend plugin against the A/B testing service', () => {
  let ab: Awaited<ReturnType<typeof startAbTesting>>;
  let portal: Awaited<ReturnType<typeof startPortal>>;

  beforeAll(async () => {
    ab = await startAbTesting();
    portal = await startPortal(ab.url);
  });

  afterAll(async () => {
    await ab?.stop();
  });

  it('passes the list and an experiment through as the service answers them', async () => {
    const direct = await ab.direct().get('/experiments').expect(200);
    const list = await request(portal.server).get('/api/experiments/experiments').set('authorization', member).expect(200);
    expect(list.body).toEqual(direct.body);
    expect(list.body.items.map((e: { key: string }) => e.key).sort()).toEqual(['ranking-draft', 'recommendation-ranking', 'search-boost']);

    const running = await request(portal.server)
      .get('/api/experiments/experiments')
      .query({ status: 'running', owner: 'group:personalization-team' })
      .set('authorization', member)
      .expect(200);
    expect(running.body.items.map((e: { key: string }) => e.key)).toEqual(['recommendation-ranking']);

    const one = await request(portal.server).get('/api/experiments/experiments/recommendation-ranking').set('authorization', member).expect(200);
    expect(one.body).toEqual((await ab.direct().get('/experiments/recommendation-ranking').expect(200)).body);
    expect(weights(one.body)).toBe('90/10');

    const missing = await request(portal.server).get('/api/experiments/experiments/no-such-experiment').set('authorization', member).expect(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('passes the results through as the service answers them', async () => {
    const direct = await ab.direct().get('/experiments/recommendation-ranking/results');
    const portalAnswer = await request(portal.server)
      .get('/api/experiments/experiments/recommendation-ranking/results')
      .set('authorization', member);
    expect(portalAnswer.status).toBe(direct.status);
    // computed on request: the two answers differ in computedAt only
    expect({ ...portalAnswer.body, computedAt: undefined }).toEqual({ ...direct.body, computedAt: undefined });
    expect(direct.status).toBe(200);
    expect(portalAnswer.body).toMatchObject({
      experimentKey: 'recommendation-ranking',
      status: 'running',
      weights: [
        { variant: 'control', weight: 90 },
        { variant: 'treatment', weight: 10 },
      ],
      analysis: { controlKey: 'control' },
    });
    expect(Array.isArray(portalAnswer.body.daily)).toBe(true);
  });

  it('passes the documented results shape through (a stand-in of the results route)', async () => {
    const results = {
      experimentKey: 'recommendation-ranking',
      computedAt: '2026-03-02T10:00:00.000Z',
      status: 'running',
      weights: [{ variant: 'control', weight: 90 }, { variant: 'treatment', weight: 10 }],
      expectedWeights: [{ variant: 'control', weight: 90 }, { variant: 'treatment', weight: 10 }],
      variants: [],
      analysis: { controlKey: 'control', alpha: 0.05, metrics: [], srm: { flagged: false }, multipleExposures: { flagged: false } },
      daily: [{ date: '2026-03-01', variants: [{ variant: 'control', users: 9, ctr: 0.1, conversionRate: 0.02, revenuePerUser: 1.5 }] }],
      guardrails: null,
    };
    const seen: Array<string | undefined> = [];
    const stub: Server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(req.url === '/experiments/recommendation-ranking/results' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/experiments/recommendation-ranking/results' ? results : { title: 'Not Found', status: 404 }));
    });
    await new Promise<void>(resolve => stub.listen(0, '127.0.0.1', resolve));
    try {
      const { server } = await startPortal(`http://127.0.0.1:${(stub.address() as AddressInfo).port}`);
      const answer = await request(server).get('/api/experiments/experiments/recommendation-ranking/results').set('authorization', member).expect(200);
      expect(answer.body).toEqual(results);
      expect(seen[0]).toMatch(/^Bearer ey/);
    } finally {
      await new Promise(resolve => stub.close(resolve));
    }
  });

  it('lets a member of the owner group ramp: the split changes, and the change is audited here and in the service', async () => {
    const before = await request(portal.server).get('/api/experiments/experiments/recommendation-ranking').set('authorization', member).expect(200);
    expect(weights(before.body)).toBe('90/10');

    const ramped = await request(portal.server)
      .post('/api/experiments/experiments/recommendation-ranking/ramp')
      .set('authorization', member)
      .send({ variants: [{ name: 'control', weight: 80 }, { name: 'treatment', weight: 20 }], reason: 'guardrails held for a day' })
      .expect(200);
    expect(weights(ramped.body)).toBe('80/20');

    // the cached read is not served any more after a change
    const after = await request(portal.server).get('/api/experiments/experiments/recommendation-ranking').set('authorization', member).expect(200);
    expect(weights(after.body)).toBe('80/20');
    expect(weights((await ab.direct().get('/experiments/recommendation-ranking').expect(200)).body)).toBe('80/20');

    const log = await request(portal.server).get('/api/experiments/experiments/recommendation-ranking/audit').set('authorization', member).expect(200);
    const ramp = log.body.items.at(-1);
    expect(ramp).toMatchObject({
      action: 'ramp',
      actor: { sub: 'backstage-portal', roles: ['service'] },
      reason: 'guardrails held for a day (by user:default/sofia.rossi in the portal)',
      evidence: { portalUser: 'user:default/sofia.rossi', via: 'backstage-portal' },
    });

    const event = portal.audit.at(-1)!;
    expect(event.options).toMatchObject({ eventId: 'experiment-change', severityLevel: 'medium' });
    expect(event.outcome).toMatchObject({
      result: 'success',
      meta: { action: 'ramp', experimentKey: 'recommendation-ranking', actor: 'user:default/sofia.rossi', from: '90/10', to: '80/20' },
    });
  });

  it('refuses a non-member with 403, changes nothing, and audits the attempt', async () => {
    const auditBefore = (await ab.direct().get('/experiments/recommendation-ranking/audit').expect(200)).body.items.length;
    const response = await request(portal.server)
      .post('/api/experiments/experiments/recommendation-ranking/ramp')
      .set('authorization', nonMember)
      .send({ weights: { control: 0, treatment: 100 }, reason: 'ship it' })
      .expect(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.detail).toMatch(/only members of its owner group group:personalization-team may/);

    const unchanged = await ab.direct().get('/experiments/recommendation-ranking').expect(200);
    expect(weights(unchanged.body)).toBe('80/20');
    expect((await ab.direct().get('/experiments/recommendation-ranking/audit').expect(200)).body.items).toHaveLength(auditBefore);

    const event = portal.audit.at(-1)!;
    expect(event.outcome?.result).toBe('fail');
    expect(event.outcome?.meta).toMatchObject({
      action: 'ramp',
      experimentKey: 'recommendation-ranking',
      actor: 'user:default/maria.gonzalez',
      owner: 'group:personalization-team',
      decision: 'deny',
      reason: 'ship it',
    });
    expect(event.outcome?.error?.name).toBe('NotAllowedError');

    // a member of another team owns another experiment: the same user is refused there, the owner is not
    await request(portal.server)
      .post('/api/experiments/experiments/search-boost/stop')
      .set('authorization', member)
      .send({ reason: 'not mine' })
      .expect(403);
  });

  it('lets the owner group stop its experiment, with a reason', async () => {
    const { server } = portal;
    await request(server).post('/api/experiments/experiments/recommendation-ranking/stop').set('authorization', member).send({}).expect(400);
    const stopped = await request(server)
      .post('/api/experiments/experiments/recommendation-ranking/stop')
      .set('authorization', member)
      .send({ reason: 'enough data' })
      .expect(200);
    expect(stopped.body.status).toBe('stopped');
    // the service's own 409 passes through
    const again = await request(server)
      .post('/api/experiments/experiments/recommendation-ranking/stop')
      .set('authorization', member)
      .send({ reason: 'twice' })
      .expect(409);
    expect(again.body.experimentStatus).toBe('stopped');
  });

  it('lets a member of the owning group start a draft and conclude a running experiment', async () => {
    const start = await request(portal.server)
      .post('/api/experiments/experiments/ranking-draft/start')
      .set('authorization', member)
      .send({ reason: 'go' })
      .expect(200);
    expect(start.body.status).toBe('running');
    const conclude = await request(portal.server)
      .post('/api/experiments/experiments/recommendation-ranking/conclude')
      .set('authorization', member)
      .send({ winner: 'treatment', reason: 'treatment won' })
      .expect(200);
    expect(conclude.body).toMatchObject({ status: 'concluded', winner: 'treatment' });
    expect(portal.audit.at(-1)?.outcome).toMatchObject({ result: 'success', meta: { action: 'conclude' } });
  });

  it('lets platform admins manage any experiment', async () => {
    const response = await request(portal.server)
      .post('/api/experiments/experiments/search-boost/ramp')
      .set('authorization', mockCredentials.user.header('user:default/guest'))
      .send({ weights: { control: 60, boost: 40 }, reason: 'calmer' })
      .expect(200);
    expect(weights(response.body)).toBe('60/40');
  });

  it("applies the owner condition for the permission backend, as the frontend's per-experiment check needs", async () => {
    const ask = (claims: string[], resourceRef: string) =>
      request(portal.server)
        .post('/api/experiments/.well-known/backstage/permissions/apply-conditions')
        // the permission backend calls with its own service token (or on behalf of the user, with itself as actor)
        .set('authorization', mockCredentials.service.header({ onBehalfOf: mockCredentials.service('plugin:permission'), targetPluginId: 'experiments' }))
        .send({
          items: [
            {
              id: '1',
              resourceRef,
              resourceType: 'experiment',
              conditions: { rule: 'IS_EXPERIMENT_OWNER', resourceType: 'experiment', params: { claims } },
            },
          ],
        })
        .expect(200);
    const members = ['user:default/sofia.rossi', 'group:default/personalization-team'];
    expect((await ask(members, 'recommendation-ranking')).body.items).toEqual([{ id: '1', result: 'ALLOW' }]);
    expect((await ask(members, 'search-boost')).body.items).toEqual([{ id: '1', result: 'DENY' }]);
    expect((await ask(members, 'no-such-experiment')).body.items).toEqual([{ id: '1', result: 'DENY' }]);
  });

  it('needs a signed-in caller', async () => {
    await request(portal.server).get('/api/experiments/experiments').expect(401);
    await request(portal.server).post('/api/experiments/experiments/recommendation-ranking/stop').send({ reason: 'x' }).expect(401);
  });

  it('reports an unreachable A/B testing service as a 503 problem', async () => {
    const { server } = await startPortal('http://127.0.0.1:9');
    const response = await request(server).get('/api/experiments/experiments').set('authorization', member).expect(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 503, title: 'Service Unavailable', upstream: 'ab-testing-service' });
    expect(response.body.detail).toMatch(/The A\/B testing service is unreachable at http:\/\/127.0.0.1:9/);
    await request(server)
      .post('/api/experiments/experiments/recommendation-ranking/stop')
      .set('authorization', member)
      .send({ reason: 'x' })
      .expect(503);
  });
});
