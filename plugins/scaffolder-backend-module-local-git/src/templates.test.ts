import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { access, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import gitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { localGitModule } from './module';

const execFileAsync = promisify(execFile);
const templatesDir = resolve(__dirname, '../../../templates');
const templateFile = 'typescript-service.template.yaml';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter(e => e.isFile()).map(e => relative(dir, join(e.parentPath, e.name)));
}

/** The template file and its parts, as the dry-run API expects them (paths relative to the template). */
async function templateContents() {
  const paths = [templateFile, ...(await filesUnder(join(templatesDir, 'parts'))).map(p => `parts/${p}`)];
  return Promise.all(
    paths.map(async path => ({ path, base64Content: (await readFile(join(templatesDir, path))).toString('base64') })),
  );
}

const baseValues = {
  name: 'wishlist-service',
  description: 'Wishlists of signed-in shoppers',
  owner: 'group:default/storefront-team',
  system: 'system:default/storefront',
  stores: [] as string[],
  producedTopics: [] as string[],
  consumedTopics: [] as string[],
  port: 3020,
  latencyP95Ms: 100,
  availability: '99.9',
  minReplicas: 2,
  maxReplicas: 50,
  target: 'eks',
  publisher: 'local-git',
};

const repoRoot = resolve(templatesDir, '..');

/** A Secret key an env var is read from (the Secrets are created by infra/, never by the chart). */
const secret = (name: string, secretName: string, key: string) => ({ name, secret: secretName, key });
/** The platform signer's public key, for the services that verify access tokens without calling the user service. */
const jwtPublicKey = secret('JWT_PUBLIC_KEY', 'platform-jwt-verifier', 'public-key');
const eventTopics = ['events.click', 'events.view', 'events.cart', 'events.purchase'];

/**
 * The twelve services' answers to the template's form (beside the NetworkPolicy relations, which come from the
 * catalog). `dir` is the directory under services/. The stores, topics, settings and secrets are what each service's
 * config reads (services/<dir>/src/config.ts or its app.ts); every secret it reads is a secret here.
 */
const deployedServices: Array<{ dir: string; name: string } & Record<string, unknown>> = [
  {
    dir: 'user', name: 'user-service', owner: 'group:default/storefront-team', system: 'system:default/storefront',
    description: 'Registers users, issues and refreshes JWT access tokens, and manages profiles and preferences.',
    stores: ['postgresql'], port: 3001, target: 'eks', workspace: '@platform/user-service',
    secrets: [secret('JWT_PRIVATE_KEY', 'user-service-jwt', 'private-key')],
  },
  {
    dir: 'product', name: 'product-service', owner: 'group:default/catalog-team', system: 'system:default/storefront',
    description: 'Owns the product catalogue and stock; publishes every product change to the products topic.',
    stores: ['mongodb', 'kafka'], producedTopics: ['products'], port: 3002, target: 'eks',
    workspace: '@platform/product-service', secrets: [jwtPublicKey],
  },
  {
    dir: 'recommendation', name: 'recommendation-service', owner: 'group:default/personalization-team',
    system: 'system:default/personalization',
    description: 'Personalised top-K recommendations (P95 < 100 ms) from the MLflow model behind the alias of the caller\'s experiment variant, filtered by availability from the products topic.',
    stores: ['redis', 'kafka'], consumedTopics: ['products', ...eventTopics], producedTopics: ['products.dlq'],
    port: 3003, target: 'aks', workspace: '@platform/recommendation-service',
    // /readyz answers 503 until a model version is downloaded and loaded; the model and its item index stay in memory
    startupBudgetSeconds: 300, memoryLimitMi: 1024,
    config: [{ name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.mlflow.svc.cluster.local:5000' }],
    secrets: [jwtPublicKey],
  },
  {
    dir: 'event-tracking', name: 'event-tracking-service', owner: 'group:default/data-team', system: 'system:default/data',
    description: 'Validates click, view, cart and purchase events (one or a batch of up to 500) and publishes each to Kafka events.<type> once the broker acknowledged it; invalid ones are dead-lettered.',
    stores: ['kafka'], producedTopics: [...eventTopics, ...eventTopics.map(t => `${t}.dlq`)], port: 3004, target: 'eks',
    workspace: '@platform/event-tracking-service', secrets: [jwtPublicKey],
  },
  {
    dir: 'feature-store', name: 'feature-store-service', owner: 'group:default/personalization-team',
    system: 'system:default/personalization',
    description: 'Online user features in Redis (recency, frequency, monetary value, category affinity, embedding pointer) kept current from events.*, orders and products, de-duplicated by eventId.',
    stores: ['redis', 'kafka'], consumedTopics: [...eventTopics, 'orders', 'products'],
    producedTopics: [...eventTopics, 'orders', 'products'].map(t => `${t}.dlq`), port: 3005, target: 'aks',
    workspace: '@platform/feature-store-service', lagScaling: true, consumerGroup: 'feature-store-service',
    secrets: [jwtPublicKey],
  },
  {
    dir: 'cart-checkout', name: 'cart-checkout-service', owner: 'group:default/storefront-team',
    system: 'system:default/storefront',
    description: 'Keeps carts, places orders idempotently (stock reserved through the Product API), publishes order events and asks for confirmations.',
    stores: ['postgresql', 'kafka'], producedTopics: ['orders'], port: 3006, target: 'eks',
    workspace: '@platform/cart-checkout-service',
    config: [
      { name: 'PRODUCT_SERVICE_URL', value: 'http://product-service' },
      { name: 'NOTIFICATION_SERVICE_URL', value: 'http://notification-service' },
    ],
    secrets: [secret('SERVICE_JWT_PRIVATE_KEY', 'cart-checkout-service-jwt', 'private-key'), jwtPublicKey],
  },
  {
    dir: 'analytics', name: 'analytics-service', owner: 'group:default/data-team', system: 'system:default/data',
    description: 'Business KPIs (CTR, conversion, orders, revenue, top products) from event-time windows of a Flink SQL job over the event topics and orders, kept in PostgreSQL for the API and Prometheus.',
    // the Flink SQL job runs on a Flink cluster in the cloud (FLINK_LOCAL=false) and writes analytics-results; the
    // service projects those results into PostgreSQL and serves them
    stores: ['postgresql', 'kafka'], consumedTopics: ['analytics-results'], port: 3007, target: 'aks',
    workspace: '@platform/analytics-service', consumerGroup: 'analytics-service-results',
    config: [{ name: 'FLINK_LOCAL', value: 'false' }],
    secrets: [jwtPublicKey],
  },
  {
    dir: 'notification', name: 'notification-service', owner: 'group:default/storefront-team',
    system: 'system:default/storefront',
    description: 'Order confirmations by e-mail (SMTP) and SMS (Twilio) from the orders topic and the checkout\'s outbox, once per order and channel, on the buyer\'s chosen channels, with retries and dead letters.',
    stores: ['postgresql', 'kafka'], producedTopics: ['notifications.dlq', 'orders.dlq'], consumedTopics: ['orders'],
    port: 3008, target: 'cloud-run', workspace: '@platform/notification-service',
    lagScaling: true, consumerGroup: 'notification-service',
    config: [
      { name: 'USER_SERVICE_URL', value: 'http://user-service' },
      { name: 'JWT_JWKS_URL', value: 'http://user-service/.well-known/jwks.json' },
    ],
    secrets: [
      secret('SERVICE_JWT_PRIVATE_KEY', 'notification-service-jwt', 'private-key'),
      secret('SMTP_URL', 'notification-service-smtp', 'url'),
      secret('TWILIO_ACCOUNT_SID', 'notification-service-twilio', 'account-sid'),
      secret('TWILIO_AUTH_TOKEN', 'notification-service-twilio', 'auth-token'),
      secret('TWILIO_FROM', 'notification-service-twilio', 'from'),
    ],
  },
  {
    dir: 'search', name: 'search-service', owner: 'group:default/catalog-team', system: 'system:default/storefront',
    description: 'Full-text product search with category and price facets over an index kept current from the products topic.',
    stores: ['postgresql', 'kafka'], consumedTopics: ['products'], producedTopics: ['products.dlq'], port: 3009,
    target: 'cloud-run', workspace: '@platform/search-service', lagScaling: true, consumerGroup: 'search-service',
  },
  {
    dir: 'api-gateway', name: 'api-gateway', owner: 'group:default/platform-team', system: 'system:default/storefront',
    description: 'The public edge: routes to the public APIs, verifies JWTs, rate-limits in Redis, sets the experiment variant for recommendations.',
    stores: ['redis'], port: 8080, target: 'eks', workspace: '@platform/api-gateway', ingressHost: 'api.storefront.example',
    config: [
      { name: 'USER_SERVICE_URL', value: 'http://user-service' },
      { name: 'PRODUCT_SERVICE_URL', value: 'http://product-service' },
      { name: 'RECOMMENDATION_SERVICE_URL', value: 'http://recommendation-service' },
      { name: 'EVENT_TRACKING_SERVICE_URL', value: 'http://event-tracking-service' },
      { name: 'CART_CHECKOUT_SERVICE_URL', value: 'http://cart-checkout-service' },
      { name: 'SEARCH_SERVICE_URL', value: 'http://search-service' },
      { name: 'AB_TESTING_SERVICE_URL', value: 'http://ab-testing-service' },
      { name: 'JWKS_URL', value: 'http://user-service/.well-known/jwks.json' },
      { name: 'CORS_ORIGINS', value: 'https://storefront.example' },
      // the ingress controller is the one proxy in front of the gateway
      { name: 'TRUST_PROXY_HOPS', value: '1' },
    ],
  },
  {
    dir: 'ab-testing', name: 'ab-testing-service', owner: 'group:default/personalization-team',
    system: 'system:default/personalization',
    description: 'Experiments with weighted variants (model experiments bind each to a model alias), deterministic sticky assignment, lifecycle from draft to concluded, and an append-only audit log.',
    stores: ['postgresql', 'kafka'], consumedTopics: eventTopics, port: 3011, target: 'aks',
    workspace: '@platform/ab-testing-service', consumerGroup: 'ab-testing-results', secrets: [jwtPublicKey],
  },
  {
    dir: 'cost-monitoring', name: 'cost-monitoring-service', owner: 'group:default/platform-team',
    system: 'system:default/platform-operations',
    description: 'Collects AWS, Azure and GCP cost (or FOCUS imports), attributes it to services by cost-allocation tag, forecasts the month and raises budget alerts.',
    stores: ['postgresql'], port: 3012, target: 'eks', workspace: '@platform/cost-monitoring-service',
    secrets: [jwtPublicKey],
  },
];

type CatalogEntity = { metadata: { name: string }; spec: { owner: string; system: string; dependsOn?: string[]; type?: string }; };

async function catalogComponents(): Promise<Map<string, CatalogEntity>> {
  const dir = join(repoRoot, 'catalog-info/components');
  const components = new Map<string, CatalogEntity>();
  for (const file of await readdir(dir)) {
    const entity = parse(await readFile(join(dir, file), 'utf8')) as CatalogEntity;
    components.set(entity.metadata.name, entity);
  }
  return components;
}

async function catalogResources(): Promise<Map<string, CatalogEntity & { metadata: { tags?: string[] } }>> {
  const docs = parseAllDocuments(await readFile(join(repoRoot, 'catalog-info/resources.yaml'), 'utf8'));
  return new Map(docs.map(d => d.toJS()).filter(Boolean).map(r => [r.metadata.name, r]));
}

/**
 * The NetworkPolicy's answers from the catalog: egress to the components the service depends on (on their container
 * port) and to what its resources need (the model registry and Prometheus in their namespaces, external services and
 * the data lake over the internet); ingress from the components that depend on it. The backing stores' private
 * networks come from the stores, set per env by the chart.
 */
async function catalogRelations(name: string) {
  const components = await catalogComponents();
  const resources = await catalogResources();
  const port = (service: string) => {
    const entry = deployedServices.find(s => s.name === service);
    if (!entry) throw new Error(`${name} depends on ${service}, which has no entry in deployedServices`);
    return entry.port as number;
  };
  const dependsOn = components.get(name)?.spec.dependsOn ?? [];
  const calls = dependsOn
    .filter(ref => ref.startsWith('component:'))
    .map(ref => ref.replace(/^component:(default\/)?/, ''))
    .map(service => ({ service, port: port(service) }));
  const callers = [...components.values()]
    .filter(c => (c.spec.dependsOn ?? []).some(ref => ref.replace(/^component:(default\/)?/, '') === name))
    .map(c => c.metadata.name)
    .sort();
  const namespaceEgress: Array<{ namespace: string; port: number }> = [];
  const internet = new Set<number>();
  for (const ref of dependsOn.filter(r => r.startsWith('resource:'))) {
    const resource = resources.get(ref.replace(/^resource:(default\/)?/, ''));
    if (!resource) throw new Error(`${name} depends on ${ref}, which catalog-info/resources.yaml does not define`);
    const type = resource.spec.type;
    if (type === 'model-registry') namespaceEgress.push({ namespace: 'mlflow', port: 5000 });
    if (type === 'monitoring') namespaceEgress.push({ namespace: 'monitoring', port: 9090 });
    if (type === 's3-bucket' || type === 'blob-container') internet.add(443);
    if (type === 'external-service') {
      // an e-mail provider is reached by SMTP submission (implicit TLS or STARTTLS), the others by HTTPS
      for (const p of resource.metadata.tags?.includes('email') ? [465, 587] : [443]) internet.add(p);
    }
  }
  return { calls, callers, namespaceEgress, internetPorts: [...internet].sort((a, b) => a - b) };
}

type DryRunFile = { path: string; base64Content: string };

describe('typescript-service template (dry run through the scaffolder API)', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let contents: DryRunFile[];
  let template: unknown;

  beforeAll(async () => {
    const baseDir = await mkdtemp(join(tmpdir(), 'scaffolder-repos-'));
    ({ server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        localGitModule,
        githubModule,
        gitlabModule,
        catalogServiceMock.factory({
          entities: [
            // a name already taken (not a platform service: the drift checks render those under their own names)
            { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'reviews-service' }, spec: {} },
          ],
        }),
        mockServices.rootConfig.factory({ data: { scaffolder: { localGit: { enabled: true, baseDir } } } }),
      ],
    }));
    contents = await templateContents();
    template = parse(await readFile(join(templatesDir, templateFile), 'utf8'));
  });

  async function dryRun(values: Record<string, unknown>) {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({ template, values, secrets: {}, directoryContents: contents });
    return res;
  }

  async function render(values: Record<string, unknown>) {
    const res = await dryRun(values);
    // the log and error name the failing step, which a bare status would hide
    if (res.status !== 200) throw new Error(`dry run failed (${res.status}): ${JSON.stringify(res.body).slice(0, 3000)}`);
    const files = new Map<string, string>(
      (res.body.directoryContents as DryRunFile[]).map(f => [f.path, Buffer.from(f.base64Content, 'base64').toString()]),
    );
    return { files, output: res.body.output, log: res.body.log };
  }

  it('renders a complete repository with no backing store', async () => {
    const { files, output } = await render(baseValues);
    const paths = [...files.keys()].sort();
    for (const expected of [
      'package.json', 'src/app.ts', 'src/main.ts', 'src/config.ts', 'src/metrics.ts', 'test/app.test.ts',
      'Dockerfile', '.dockerignore', 'chart/Chart.yaml', 'chart/templates/deployment.yaml', 'chart/templates/hpa.yaml',
      'chart/templates/pdb.yaml', 'chart/templates/networkpolicy.yaml', 'chart/templates/servicemonitor.yaml',
      'chart/templates/configmap.yaml', 'chart/values-dev.yaml', 'chart/values-staging.yaml', 'chart/values-prod.yaml',
      '.github/workflows/ci.yaml', '.github/workflows/deploy.yaml', 'dashboards/wishlist-service.json',
      'alerts/wishlist-service.rules.yaml', 'catalog-info.yaml', 'mkdocs.yml', 'docs/index.md', 'docs/runbook.md',
      'README.md',
    ]) {
      expect(paths).toContain(expected);
    }
    const values = parse(files.get('chart/values.yaml')!);
    expect(values.autoscaling).toMatchObject({ minReplicas: 2, maxReplicas: 50 });
    // a plain service: the chart of before the deployment options (256 MiB, CPU/memory HPA, no start-up probe, no
    // Ingress), and a NetworkPolicy that lets in only Prometheus and out only to DNS
    expect(values.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(parse(files.get('chart/values-prod.yaml')!).resources.limits.memory).toBe('512Mi');
    expect(values.probes).toEqual({ startupSeconds: 0 });
    expect(values.autoscaling.kafkaLag).toMatchObject({ enabled: false, topics: [] });
    expect(values.ingress).toMatchObject({ enabled: false, host: '' });
    expect(values.networkPolicy).toMatchObject({
      ingressNamespaces: ['monitoring'], callers: [], calls: [], namespaces: [], storePorts: [], internetPorts: [],
    });
    expect(values.secretEnv).toEqual({});
    expect(values.config).toEqual({ LOG_LEVEL: 'info' });
    const component = parseAllDocuments(files.get('catalog-info.yaml')!)[0].toJS();
    expect(component.spec).toMatchObject({ owner: 'group:default/storefront-team', system: 'system:default/storefront' });
    expect(component.spec.dependsOn).toBeUndefined();
    const dashboard = JSON.parse(files.get('dashboards/wishlist-service.json')!);
    expect(dashboard.panels.map((p: { title: string }) => p.title)).toHaveLength(4);
    expect(JSON.stringify(dashboard)).toContain('http_request_duration_seconds_bucket');
    // GitHub expressions survive templating untouched
    expect(files.get('.github/workflows/ci.yaml')).toContain('${{ github.sha }}');
    // a repository of its own: deploy after its ci workflow, from its chart/, back to the last release on a failure
    const deploy = parse(files.get('.github/workflows/deploy.yaml')!);
    expect(deploy.on.workflow_run.workflows).toEqual(['ci']);
    const steps = deploy.jobs.deploy.steps.map((step: { name?: string; run?: string; if?: string }) => step);
    expect(steps.find((step: { id?: string }) => step.id === 'upgrade').run).toContain('helm upgrade --install wishlist-service chart ');
    expect(steps.at(-1)).toMatchObject({ if: "failure() && steps.upgrade.outcome == 'failure'" });
    expect(steps.at(-1).run).toContain('helm rollback wishlist-service');
    const pkg = JSON.parse(files.get('package.json')!);
    expect(pkg.name).toBe('wishlist-service');
    // no store chosen: no store client, no store check
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['express', 'pino', 'prom-client', 'zod']);
    expect(files.get('src/stores.ts')).not.toMatch(/import .* from '(pg|mongodb|ioredis|kafkajs)'/);
    expect(output.links[1].entityRef).toBe('component:default/wishlist-service');
  });

  it('adds store panels, secrets and dependencies for PostgreSQL and Kafka, with custom replicas', async () => {
    const { files } = await render({
      ...baseValues,
      stores: ['postgresql', 'kafka'],
      producedTopics: ['orders'],
      consumedTopics: ['events.click'],
      minReplicas: 3,
      maxReplicas: 12,
      availability: '99.95',
      latencyP95Ms: 250,
    });
    const values = parse(files.get('chart/values.yaml')!);
    expect(values.autoscaling).toMatchObject({ minReplicas: 3, maxReplicas: 12 });
    expect(Object.keys(values.secretEnv)).toEqual(['DATABASE_URL', 'KAFKA_BROKERS']);
    expect(parse(files.get('chart/values-prod.yaml')!).autoscaling).toEqual({ minReplicas: 3, maxReplicas: 12 });
    const titles = JSON.parse(files.get('dashboards/wishlist-service.json')!).panels.map((p: { title: string }) => p.title);
    expect(titles).toEqual(expect.arrayContaining(['PostgreSQL connections', 'Kafka consumer lag']));
    expect(titles).not.toContain('Redis commands/s');
    const pkg = JSON.parse(files.get('package.json')!);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['express', 'kafkajs', 'pg', 'pino', 'prom-client', 'zod']);
    expect(pkg.devDependencies['@types/pg']).toBeDefined();
    const stores = files.get('src/stores.ts')!;
    expect(stores).toContain("checks.postgresql = async");
    expect(stores).toContain("checks.kafka = async");
    expect(stores).not.toContain('checks.redis');
    expect(files.get('test/config.test.ts')).toContain("refuses to start without DATABASE_URL");
    expect(files.get('test/config.test.ts')).not.toContain("refuses to start without REDIS_URL");
    const component = parseAllDocuments(files.get('catalog-info.yaml')!)[0].toJS();
    expect(component.spec.dependsOn).toEqual([
      'resource:default/wishlist-service-db',
      'resource:default/kafka-cluster',
      'resource:default/topic-orders',
      'resource:default/topic-events.click',
    ]);
    const rules = files.get('alerts/wishlist-service.rules.yaml')!;
    expect(rules).toContain('(14.4 * 0.0005)');
    expect(rules).toContain('> 0.25');
  });

  it('renders the deployment options: memory, start-up budget, lag scaling, Ingress, calls, settings and secrets', async () => {
    const { files } = await render({
      ...baseValues,
      stores: ['redis', 'kafka'],
      consumedTopics: ['orders', 'products'],
      memoryLimitMi: 1024,
      startupBudgetSeconds: 300,
      lagScaling: true,
      consumerGroup: 'wishlist-service',
      lagThreshold: 40,
      ingressHost: 'wishlist.storefront.example',
      calls: [{ service: 'user-service', port: 3001 }],
      callers: ['api-gateway'],
      namespaceEgress: [{ namespace: 'mlflow', port: 5000 }],
      internetPorts: [443],
      config: [{ name: 'USER_SERVICE_URL', value: 'http://user-service' }],
      secrets: [{ name: 'JWT_PUBLIC_KEY', secret: 'platform-jwt-verifier', key: 'public-key' }],
    });
    const values = parse(files.get('chart/values.yaml')!);
    expect(values.resources.limits.memory).toBe('1024Mi');
    expect(values.resources.requests.memory).toBe('512Mi');
    expect(parse(files.get('chart/values-prod.yaml')!).resources).toMatchObject({
      requests: { memory: '1024Mi' }, limits: { memory: '2048Mi' },
    });
    expect(values.probes.startupSeconds).toBe(300);
    expect(values.autoscaling.kafkaLag).toMatchObject({
      enabled: true, consumerGroup: 'wishlist-service', topics: ['orders', 'products'], lagThreshold: 40,
    });
    expect(values.ingress).toMatchObject({ enabled: true, host: 'wishlist.storefront.example' });
    expect(parse(files.get('chart/values-staging.yaml')!).ingress.host).toBe('staging.wishlist.storefront.example');
    expect(values.networkPolicy).toMatchObject({
      callers: ['api-gateway'],
      calls: [{ service: 'user-service', port: 3001 }],
      namespaces: [{ namespace: 'mlflow', port: 5000 }],
      storePorts: [6379, 6380, 9092, 9094, 9096, 9098],
      internetPorts: [443],
    });
    expect(values.config).toEqual({ LOG_LEVEL: 'info', USER_SERVICE_URL: 'http://user-service' });
    expect(values.secretEnv).toEqual({
      REDIS_URL: { secret: 'wishlist-service-redis', key: 'url' },
      KAFKA_BROKERS: { secret: 'wishlist-service-kafka', key: 'brokers' },
      JWT_PUBLIC_KEY: { secret: 'platform-jwt-verifier', key: 'public-key' },
    });
  });

  it('renders MongoDB and Redis panels and secrets only when chosen', async () => {
    const { files } = await render({ ...baseValues, stores: ['mongodb', 'redis'], target: 'aks' });
    const titles = JSON.parse(files.get('dashboards/wishlist-service.json')!).panels.map((p: { title: string }) => p.title);
    expect(titles).toEqual(expect.arrayContaining(['MongoDB operations/s', 'Redis commands/s']));
    expect(titles).not.toContain('PostgreSQL connections');
    expect(Object.keys(parse(files.get('chart/values.yaml')!).secretEnv)).toEqual(['MONGODB_URI', 'REDIS_URL']);
    expect(files.get('src/config.ts')).toContain('MONGODB_URI');
    expect(files.get('src/config.ts')).not.toContain('DATABASE_URL');
  });

  it.each([
    ['github', { githubRepoUrl: 'github.com?owner=platform&repo=wishlist-service' }],
    ['gitlab', { gitlabRepoUrl: 'gitlab.com?owner=platform&repo=wishlist-service' }],
  ])('publishes with %s instead of local git when chosen', async (publisher, repo) => {
    const { log } = await render({ ...baseValues, publisher, ...repo });
    const steps = new Map<string, string[]>();
    for (const { body } of log as { body: { stepId?: string; message: string } }[]) {
      if (body.stepId) steps.set(body.stepId, [...(steps.get(body.stepId) ?? []), body.message]);
    }
    // the chosen publisher's steps run (dry-run skips the remote call itself); the local-git steps never start
    expect(steps.get(`publish-${publisher}`)?.join('\n')).toContain(`Running publish:${publisher} in dry-run mode`);
    expect(steps.get(`register-${publisher}`)?.join('\n')).toContain('Running catalog:register in dry-run mode');
    for (const other of ['local', ...['github', 'gitlab'].filter(p => p !== publisher)]) {
      expect(steps.get(`publish-${other}`)?.join('\n')).toContain('because its if condition was false');
      expect(steps.get(`register-${other}`)?.join('\n')).toContain('because its if condition was false');
    }
  });

  it('fails on a name already taken in the catalog', async () => {
    const res = await dryRun({ ...baseValues, name: 'reviews-service' });
    expect(JSON.stringify(res.body)).toContain('component:default/reviews-service already exists in the catalog');
  });

  it.each([
    ['Wishlist-Service', 'Use lowercase letters only'],
    [`w${'x'.repeat(40)}`, 'Use at most 40 characters; this name has 41'],
    ['wishlist--service', 'Use kebab-case'],
  ])('refuses the malformed name %j at the first step, before any file is fetched', async (name, message) => {
    const res = await dryRun({ ...baseValues, name });
    const body = JSON.stringify(res.body);
    expect(body).toContain(message);
    expect(res.body.directoryContents ?? []).toEqual([]);
  });

  // The template is the source of truth: every service's deploy files (services/<dir>/deploy: chart, dashboard,
  // alert rules) and its workflow (.github/workflows/<name>.yaml) are its rendering with the service's answers in
  // `deployedServices`, and the NetworkPolicy's calls from the catalog (`catalogRelations`). Regenerate with
  // UPDATE_DRIFT=1 after a template, table or catalog change, and review the diff in the pull request.
  it.each(deployedServices.map(service => [service.name, service] as const))(
    'matches what %s has in the repository (drift check)',
    async (name, service) => {
      const relations = await catalogRelations(name);
      const { dir, ...answers } = service;
      const { files } = await render({ ...baseValues, ...answers, ...relations, repoPath: `services/${dir}` });
      const targets = new Map<string, string>();
      for (const [path, text] of files) {
        if (/^(chart|dashboards|alerts)\//.test(path)) targets.set(join(`services/${dir}/deploy`, path), text);
      }
      targets.set(`.github/workflows/${name}.yaml`, files.get('.github/workflows/deploy.yaml')!);
      // the runbook its alerts link (docs part); the rest of its docs are its own (README, docs/index.md)
      targets.set(`services/${dir}/docs/runbook.md`, files.get('docs/runbook.md')!);
      if (process.env.UPDATE_DRIFT) {
        for (const [path, text] of targets) {
          await mkdir(dirname(join(repoRoot, path)), { recursive: true });
          await writeFile(join(repoRoot, path), text);
        }
      }
      const drift: string[] = [];
      for (const [path, text] of targets) {
        const committed = await readFile(join(repoRoot, path), 'utf8').catch(() => undefined);
        if (committed !== text) drift.push(path);
      }
      // a file the template no longer renders (a removed chart template) is drift too
      const rendered = new Set(targets.keys());
      for (const path of await filesUnder(join(repoRoot, `services/${dir}/deploy`)).catch(() => [])) {
        if (!rendered.has(join(`services/${dir}/deploy`, path))) drift.push(join(`services/${dir}/deploy`, path));
      }
      expect(drift).toEqual([]);
    },
  );

  it('has one drift entry per catalog service, with the catalog owner and system and the platform port', async () => {
    const components = await catalogComponents();
    const services = [...components.values()].filter(c => c.spec.type === 'service').map(c => c.metadata.name);
    expect(deployedServices.map(s => s.name).sort()).toEqual(services.sort());
    for (const service of deployedServices) {
      const spec = components.get(service.name)!.spec;
      expect({ name: service.name, owner: service.owner, system: service.system }).toEqual({
        name: service.name,
        owner: spec.owner.replace(/^group:/, 'group:default/'),
        system: `system:default/${spec.system}`,
      });
    }
    // scripts/lib/processes.sh starts each service on the port its chart's container listens on
    const processes = await readFile(join(repoRoot, 'scripts/lib/processes.sh'), 'utf8');
    const ports = Object.fromEntries(
      [...processes.matchAll(/\[([a-z-]+)\]=(\d+)/g)].map(([, dir, port]) => [dir, Number(port)]),
    );
    expect(Object.fromEntries(deployedServices.map(s => [s.dir, s.port]))).toEqual(ports);
  });

  // The committed charts as helm renders them (helm from tools/install-go-tools.sh, which ./idp test runs before the
  // tests): the expected calls are the catalog's relations written out by hand, not derived by the code above.
  describe('the services\' charts rendered by helm', () => {
    const helm = join(repoRoot, '.state/bin/helm');
    async function manifests(dir: string, env: string) {
      await access(helm).catch(() => {
        throw new Error(`${helm} is missing: run bash tools/install-go-tools.sh`);
      });
      const chart = join(repoRoot, `services/${dir}/deploy/chart`);
      const name = parse(await readFile(join(chart, 'Chart.yaml'), 'utf8')).name;
      const { stdout } = await execFileAsync(helm, [
        'template', name, chart, '--namespace', 'platform', '--values', join(chart, `values-${env}.yaml`),
      ]);
      return parseAllDocuments(stdout).map(d => d.toJS()).filter(Boolean) as Array<Record<string, any>>;
    }
    const policy = (docs: Array<Record<string, any>>) => {
      const spec = docs.find(d => d.kind === 'NetworkPolicy')!.spec;
      const labels = (peers: any[]) => peers.map(p => p.podSelector?.matchLabels?.['app.kubernetes.io/name']).filter(Boolean);
      const namespaces = (peers: any[]) =>
        peers.map(p => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).filter(Boolean);
      return {
        types: spec.policyTypes,
        callers: spec.ingress.flatMap((rule: any) => labels(rule.from)).sort(),
        ingressNamespaces: spec.ingress.flatMap((rule: any) => namespaces(rule.from)).sort(),
        calls: spec.egress
          .filter((rule: any) => labels(rule.to).length)
          .map((rule: any) => `${labels(rule.to)[0]}:${rule.ports.map((p: any) => p.port).join(',')}`)
          .sort(),
        egressNamespaces: spec.egress.flatMap((rule: any) => namespaces(rule.to)).sort(),
        cidrs: spec.egress.flatMap((rule: any) => rule.to.map((p: any) => p.ipBlock?.cidr).filter(Boolean)).sort(),
      };
    };

    it('lets cart-checkout call only the product and notification services, and only the gateway call it', async () => {
      expect(policy(await manifests('cart-checkout', 'prod'))).toEqual({
        types: ['Ingress', 'Egress'],
        callers: ['api-gateway'],
        ingressNamespaces: ['monitoring'],
        calls: ['notification-service:3008', 'product-service:3002'],
        egressNamespaces: ['kube-system'],
        // PostgreSQL and Kafka on prod's AWS VPC and Azure VNet
        cidrs: ['10.0.0.0/16', '10.20.0.0/16'],
      });
    });

    it('lets the user service be called by the gateway and the notification service only, and call no service', async () => {
      const dev = policy(await manifests('user', 'dev'));
      expect(dev).toMatchObject({ callers: ['api-gateway', 'notification-service'], calls: [] });
      expect(dev.cidrs).toEqual(['10.2.0.0/16', '10.22.0.0/16']);
    });

    it('gives the recommendation service its start-up budget, memory and the model registry', async () => {
      const docs = await manifests('recommendation', 'prod');
      const deployment = docs.find(d => d.kind === 'Deployment')!;
      const container = deployment.spec.template.spec.containers[0];
      // 300 s: 60 probes 5 s apart before the pod is restarted
      expect(container.startupProbe).toEqual({ httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 60 });
      expect(deployment.spec.progressDeadlineSeconds).toBe(600);
      expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '1024Mi' }, limits: { cpu: '1', memory: '2048Mi' } });
      expect(policy(docs)).toMatchObject({
        calls: ['feature-store-service:3005', 'product-service:3002'],
        egressNamespaces: ['kube-system', 'mlflow'],
        callers: ['api-gateway'],
      });
      // a plain service has none of it
      const user = (await manifests('user', 'prod')).find(d => d.kind === 'Deployment')!;
      expect(user.spec.template.spec.containers[0].startupProbe).toBeUndefined();
      expect(user.spec.progressDeadlineSeconds).toBeUndefined();
    });

    it('scales the feature store on its consumer group\'s lag with KEDA instead of an HPA', async () => {
      const docs = await manifests('feature-store', 'staging');
      expect(docs.filter(d => d.kind === 'HorizontalPodAutoscaler')).toEqual([]);
      const scaled = docs.find(d => d.kind === 'ScaledObject')!;
      expect(scaled.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 5 });
      const kafka = scaled.spec.triggers.filter((t: any) => t.type === 'kafka');
      expect(kafka.map((t: any) => t.metadata.topic).sort()).toEqual(
        ['events.cart', 'events.click', 'events.purchase', 'events.view', 'orders', 'products'],
      );
      expect(new Set(kafka.map((t: any) => t.metadata.consumerGroup))).toEqual(new Set(['feature-store-service']));
      expect(scaled.spec.triggers.map((t: any) => t.type).slice(0, 2)).toEqual(['cpu', 'memory']);
      // a service without lag scaling keeps the CPU and memory HPA
      expect((await manifests('product', 'staging')).map(d => d.kind)).toContain('HorizontalPodAutoscaler');
    });

    it('exposes only the gateway through an Ingress, which its controller may reach', async () => {
      const docs = await manifests('api-gateway', 'staging');
      const ingress = docs.find(d => d.kind === 'Ingress')!;
      expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['staging.api.storefront.example']);
      expect(policy(docs).ingressNamespaces).toEqual(['ingress-nginx', 'monitoring']);
      expect(policy(docs).callers).toEqual([]);
      expect((await manifests('search', 'staging')).map(d => d.kind)).not.toContain('Ingress');
    });

    it.each(deployedServices.map(s => [s.name, s.dir] as const))('runs %s non-root on a read-only root filesystem', async (_, dir) => {
      const pod = (await manifests(dir, 'prod')).find(d => d.kind === 'Deployment')!.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.containers[0].securityContext).toEqual({
        allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
      });
    });
  });

  it('derives the NetworkPolicy calls from the catalog: callers are exactly the dependents', async () => {
    const gateway = await catalogRelations('api-gateway');
    expect(gateway.calls.map(c => c.service).sort()).toEqual([
      'ab-testing-service', 'cart-checkout-service', 'event-tracking-service', 'product-service',
      'recommendation-service', 'search-service', 'user-service',
    ]);
    expect(gateway.callers).toEqual([]);
    const user = await catalogRelations('user-service');
    expect(user.callers).toEqual(['api-gateway', 'notification-service']);
    expect(user.calls).toEqual([]);
    const notification = await catalogRelations('notification-service');
    expect(notification.calls).toEqual([{ service: 'user-service', port: 3001 }]);
    expect(notification.internetPorts).toEqual([443, 465, 587]);
    const recommendation = await catalogRelations('recommendation-service');
    expect(recommendation.namespaceEgress).toEqual([{ namespace: 'mlflow', port: 5000 }]);
  });
});
