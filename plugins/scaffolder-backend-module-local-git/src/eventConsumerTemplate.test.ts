import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { startTemplateDryRun, templatesDir } from './__testUtils__/templateDryRun';

const kitDir = resolve(templatesDir, '../packages/service-kit/src');

const baseValues = {
  name: 'order-events-consumer',
  description: 'Reacts to paid orders',
  owner: 'group:default/storefront-team',
  system: 'system:default/storefront',
  consumedTopics: ['orders', 'payments'],
  consumerGroup: '',
  port: 3030,
  minReplicas: 1,
  maxReplicas: 12,
  lagThreshold: 100,
  alertLag: 10000,
  target: 'eks',
  publisher: 'local-git',
};

/** The metric names the service kit's consumer registers (KAFKA_CONSUMER_METRICS in its source). */
async function kitConsumerMetrics(): Promise<string[]> {
  const source = await readFile(join(kitDir, 'kafkaConsumer.ts'), 'utf8');
  const block = /export const KAFKA_CONSUMER_METRICS = \{([^}]*)\}/.exec(source)![1];
  return [...block.matchAll(/'([a-z_]+)'/g)].map(m => m[1]).sort();
}

/** The metric names a dashboard's panels query, except those marked as read from an exporter. */
function queriedMetrics(dashboard: { panels: { description?: string; targets: { expr: string }[] }[] }) {
  const names = new Set<string>();
  for (const panel of dashboard.panels.filter(p => !p.description?.startsWith('exporter:'))) {
    for (const { expr } of panel.targets) for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) names.add(m[1]);
  }
  return [...names].sort();
}

describe('event-consumer-service template (dry run through the scaffolder API)', () => {
  let dryRun: Awaited<ReturnType<typeof startTemplateDryRun>>;

  beforeAll(async () => {
    dryRun = await startTemplateDryRun('event-consumer-service.template.yaml');
  });

  it('renders a consumer repository from the shared chart, CI, catalog and docs parts and its own code and dashboards', async () => {
    const { files, output } = await dryRun.render(baseValues);
    const paths = [...files.keys()].sort();
    for (const expected of [
      'package.json', 'tsconfig.json', 'Dockerfile', '.dockerignore', '.gitignore',
      'src/main.ts', 'src/app.ts', 'src/config.ts', 'src/consumer.ts', 'src/events.ts', 'src/membership.ts',
      'src/kafkaConsumer.ts', 'src/kafka.ts', 'src/backoff.ts', 'src/metrics.ts', 'src/problem.ts',
      'test/app.test.ts', 'test/config.test.ts', 'test/events.test.ts', 'test/consumer.test.ts', 'test/kafkaPatch.test.ts',
      'patches/kafkajs+2.2.4.patch',
      'chart/Chart.yaml', 'chart/values.yaml', 'chart/values-prod.yaml', 'chart/templates/deployment.yaml',
      'chart/templates/scaledobject.yaml', '.github/workflows/ci.yaml', '.github/workflows/deploy.yaml',
      'catalog-info.yaml', 'openapi.yaml', 'mkdocs.yml', 'docs/index.md', 'README.md',
      'dashboards/order-events-consumer.json', 'alerts/order-events-consumer.rules.yaml',
    ]) {
      expect(paths).toContain(expected);
    }
    // the request-serving template's code is not there
    expect(paths).not.toContain('src/stores.ts');
    const pkg = JSON.parse(files.get('package.json')!);
    expect(pkg.name).toBe('order-events-consumer');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['express', 'kafkajs', 'pino', 'prom-client', 'zod']);

    // the consumer's own README, docs page and API replace the request-serving ones of the shared parts
    expect(files.get('README.md')).toContain("platform's `event-consumer-service` template");
    expect(files.get('README.md')).not.toContain('typescript-service');
    expect(files.get('docs/index.md')).toContain('| Consumer group | `order-events-consumer` |');
    const api = parse(files.get('openapi.yaml')!);
    expect(Object.keys(api.paths)).toEqual(['/healthz', '/readyz', '/metrics']);

    const component = parseAllDocuments(files.get('catalog-info.yaml')!)[0].toJS();
    expect(component.metadata.name).toBe('order-events-consumer');
    expect(component.spec).toMatchObject({ owner: 'group:default/storefront-team', system: 'system:default/storefront' });
    expect(component.spec.dependsOn).toEqual([
      'resource:default/kafka-cluster',
      'resource:default/topic-orders.dlq',
      'resource:default/topic-payments.dlq',
      'resource:default/topic-orders',
      'resource:default/topic-payments',
    ]);
    expect(output.links[1].entityRef).toBe('component:default/order-events-consumer');
  });

  it('scales on the consumer group lag with KEDA and reads the brokers from a Secret', async () => {
    const { files } = await dryRun.render({ ...baseValues, minReplicas: 2, maxReplicas: 6, lagThreshold: 250 });
    const values = parse(files.get('chart/values.yaml')!);
    expect(values.autoscaling).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      kafkaLag: { enabled: true, consumerGroup: 'order-events-consumer', topics: ['orders', 'payments'], lagThreshold: 250 },
    });
    expect(values.secretEnv).toEqual({ KAFKA_BROKERS: { secret: 'order-events-consumer-kafka', key: 'brokers' } });
    expect(values.port).toBe(3030);
  });

  it('defaults the consumer group to the name and uses a chosen one everywhere', async () => {
    const byName = await dryRun.render(baseValues);
    expect(byName.files.get('src/config.ts')).toContain("KAFKA_GROUP_ID: z.string().min(1).default('order-events-consumer')");
    const { files } = await dryRun.render({ ...baseValues, consumerGroup: 'orders-reactor' });
    expect(files.get('src/config.ts')).toContain("KAFKA_GROUP_ID: z.string().min(1).default('orders-reactor')");
    expect(files.get('src/config.ts')).toContain(".default('orders,payments')");
    expect(parse(files.get('chart/values.yaml')!).autoscaling.kafkaLag.consumerGroup).toBe('orders-reactor');
    expect(files.get('dashboards/order-events-consumer.json')).toContain('group=\\"orders-reactor\\"');
    expect(files.get('alerts/order-events-consumer.rules.yaml')).toContain('kafka_consumer_lag{job="order-events-consumer",group="orders-reactor"}');
  });

  it('ships the service kit consumer itself, so the dashboards and alerts of every consumer read the same metrics', async () => {
    const { files } = await dryRun.render(baseValues);
    for (const file of ['kafkaConsumer.ts', 'kafka.ts', 'backoff.ts']) {
      // the only difference: ES module imports name the file they import
      const kit = (await readFile(join(kitDir, file), 'utf8')).replace(/from '\.\/(backoff|kafka)';/g, "from './$1.js';");
      expect({ file, source: files.get(`src/${file}`) }).toEqual({ file, source: kit });
    }
    // and kafkajs with the monorepo's patch of it, applied by patch-package at npm install
    const hunk = (patch: string) => patch.split('\n').filter(line => /^[-+ @]/.test(line) && !/^(---|\+\+\+) /.test(line));
    const yarnPatch = await readFile(join(templatesDir, '../.yarn/patches/kafkajs-npm-2.2.4-8837bee290.patch'), 'utf8');
    expect(hunk(files.get('patches/kafkajs+2.2.4.patch')!)).toEqual(hunk(yarnPatch));
    const pkg = JSON.parse(files.get('package.json')!);
    expect(pkg.scripts.postinstall).toBe('patch-package');
    expect(pkg.dependencies.kafkajs).toBe('2.2.4');
    expect(files.get('Dockerfile')).toMatch(/COPY patches \.\/patches\nRUN npm ci/);

    const dashboard = JSON.parse(files.get('dashboards/order-events-consumer.json')!);
    const kitMetrics = await kitConsumerMetrics();
    expect(kitMetrics).toEqual(['kafka_consumer_dlq_total', 'kafka_consumer_failed_total', 'kafka_consumer_lag', 'kafka_consumer_processed_total']);
    const queried = queriedMetrics(dashboard);
    expect(queried).toEqual(expect.arrayContaining(kitMetrics));
    expect(queried.filter(name => !kitMetrics.includes(name))).toEqual([
      'nodejs_eventloop_lag_p99_seconds', 'process_cpu_seconds_total', 'process_resident_memory_bytes',
    ]);
    expect(dashboard.panels.map((p: { title: string }) => p.title)).toEqual(
      expect.arrayContaining([
        'Consumer lag by topic (alert above 10000)', 'Throughput (messages handled/s)',
        'Dead-lettered (messages/s to <topic>.dlq)', 'Handler errors (failed attempts / all attempts, alert above 5%)',
      ]),
    );
  });

  it('alerts on lag above the chosen threshold, a stalled consumer, handler errors and dead letters', async () => {
    const { files } = await dryRun.render({ ...baseValues, alertLag: 5000 });
    const rules = parse(files.get('alerts/order-events-consumer.rules.yaml')!).groups[0].rules as {
      alert: string; expr: string; for?: string; labels: { severity: string };
    }[];
    const byName = new Map(rules.map(r => [r.alert.replace('order_events_consumer_', ''), r]));
    expect([...byName.keys()]).toEqual([
      'ConsumerLagHigh', 'ConsumerStalled', 'HandlerErrorsHigh', 'MessagesDeadLettered', 'ConsumerDown',
    ]);
    expect(byName.get('ConsumerLagHigh')).toMatchObject({
      expr: 'sum by (topic) (kafka_consumer_lag{job="order-events-consumer",group="order-events-consumer"}) > 5000',
      for: '10m',
      labels: { severity: 'page' },
    });
    expect(byName.get('HandlerErrorsHigh')!.expr).toContain('> 0.05');
    expect(byName.get('MessagesDeadLettered')!.labels.severity).toBe('ticket');
    // the runbook has a section for every alert, under the alert's name
    const runbook = files.get('docs/runbook.md')!;
    expect([...runbook.matchAll(/^## (\w+) \((page|ticket)\)$/gm)].map(m => [m[1], m[2]])).toEqual(
      [...byName].map(([alert, rule]) => [alert, rule.labels.severity]),
    );
  });

  it('publishes to GitHub instead of local git when chosen', async () => {
    const { log } = await dryRun.render({ ...baseValues, publisher: 'github', githubRepoUrl: 'github.com?owner=platform&repo=order-events-consumer' });
    const steps = dryRun.stepLogs(log);
    expect(steps.get('publish-github')).toContain('Running publish:github in dry-run mode');
    expect(steps.get('publish-local')).toContain('because its if condition was false');
  });

  it.each([
    ['user-service', 'component:default/user-service already exists in the catalog'],
    ['Order-Events', 'Use lowercase letters only'],
  ])('refuses the name %j at the first step, before any file is fetched', async (name, message) => {
    const res = await dryRun.dryRun({ ...baseValues, name });
    expect(JSON.stringify(res.body)).toContain(message);
    expect(res.body.directoryContents ?? []).toEqual([]);
  });
});
