import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import gitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { localGitModule } from './module';

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
            { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'user-service' }, spec: {} },
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
      'alerts/wishlist-service.rules.yaml', 'catalog-info.yaml', 'mkdocs.yml', 'docs/index.md', 'README.md',
    ]) {
      expect(paths).toContain(expected);
    }
    expect(parse(files.get('chart/values.yaml')!).autoscaling).toMatchObject({ minReplicas: 2, maxReplicas: 50 });
    const component = parseAllDocuments(files.get('catalog-info.yaml')!)[0].toJS();
    expect(component.spec).toMatchObject({ owner: 'group:default/storefront-team', system: 'system:default/storefront' });
    expect(component.spec.dependsOn).toBeUndefined();
    const dashboard = JSON.parse(files.get('dashboards/wishlist-service.json')!);
    expect(dashboard.panels.map((p: { title: string }) => p.title)).toHaveLength(4);
    expect(JSON.stringify(dashboard)).toContain('http_request_duration_seconds_bucket');
    // GitHub expressions survive templating untouched
    expect(files.get('.github/workflows/ci.yaml')).toContain('${{ github.sha }}');
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
    const res = await dryRun({ ...baseValues, name: 'user-service' });
    expect(JSON.stringify(res.body)).toContain('component:default/user-service already exists in the catalog');
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

  // The template is the source of truth: notification-service's deploy files are its rendering. Regenerate with
  // UPDATE_DRIFT=1 after a template change, and review the diff in the pull request.
  it('matches what notification-service has in the repository (drift check)', async () => {
    const { files } = await render({
      ...baseValues,
      name: 'notification-service',
      description: 'Sends email (SendGrid) and SMS (Twilio) with retries: order confirmations on request, status updates from the orders topic.',
      owner: 'group:default/storefront-team',
      system: 'system:default/storefront',
      stores: ['postgresql', 'kafka'],
      producedTopics: ['orders.dlq'],
      consumedTopics: ['orders'],
      port: 3008,
      target: 'cloud-run',
    });
    const targets = new Map<string, string>();
    for (const [path, text] of files) {
      if (/^(chart|dashboards|alerts)\//.test(path)) targets.set(join('services/notification/deploy', path), text);
    }
    targets.set('.github/workflows/notification-service.yaml', files.get('.github/workflows/deploy.yaml')!);
    const repoRoot = resolve(templatesDir, '..');
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
    expect(drift).toEqual([]);
  });
});
