import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInfraEnv } from '@platform/local-infra';
import { promisify } from 'node:util';

const run = promisify(execFile);
const portalUrl = process.env.PORTAL_URL;
const repoRoot = resolve(__dirname, '../../..');
const toolPath = `${join(repoRoot, '.state/bin')}:${process.env.PATH}`;

if (!portalUrl) {
  // eslint-disable-next-line no-console
  console.warn(
    '\n*** SKIPPED: typescript-service end-to-end test needs PORTAL_URL (e.g. PORTAL_URL=http://localhost:7007) ' +
      'and tools/install-go-tools.sh for helm and actionlint ***\n',
  );
}
const describeWithPortal = portalUrl ? describe : describe.skip;

async function json(path: string, init: RequestInit & { token?: string } = {}) {
  const res = await fetch(`${portalUrl}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      'x-requested-with': 'XMLHttpRequest',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json().catch(() => undefined) };
}

async function sh(cwd: string, cmd: string, args: string[], timeout = 300_000) {
  try {
    return (await run(cmd, args, { cwd, timeout, env: { ...process.env, PATH: toolPath }, maxBuffer: 1 << 26 })).stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0);
  await new Promise(r => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise(r => server.close(r));
  return port;
}

async function repoSize(dir: string) {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = join(entry.parentPath, entry.name);
    if (!entry.isFile() || /\/(node_modules|\.git|dist)\//.test(`${full}/`.replace(dir, ''))) continue;
    files += 1;
    bytes += (await stat(full)).size;
  }
  return { files, bytes };
}

/** Metric names in the dashboard's service panels (store panels read exporters, not the service). */
function dashboardMetricNames(dashboard: { panels: { description?: string; targets: { expr: string }[] }[] }) {
  const names = new Set<string>();
  for (const panel of dashboard.panels.filter(p => !p.description?.startsWith('store:'))) {
    for (const { expr } of panel.targets) {
      for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) names.add(m[1]);
    }
  }
  return [...names];
}

const EVERY_STORE = ['postgresql', 'mongodb', 'redis', 'kafka'];

describeWithPortal.each([
  ['every backing store', EVERY_STORE],
  ['no backing store', []],
])('typescript-service template through the portal, with %s', (_label, stores) => {
  const name = `e2e-${stores.length}-${Date.now().toString(36)}`;
  let repoDir = '';
  let token = '';

  beforeAll(async () => {
    const refresh = await json('/api/auth/guest/refresh', { method: 'POST' });
    token = refresh.body.backstageIdentity.token;
    const started = Date.now();
    const created = await json('/api/scaffolder/v2/tasks', {
      method: 'POST',
      token,
      body: JSON.stringify({
        templateRef: 'template:default/typescript-service',
        values: {
          name,
          description: 'End-to-end check of the service template',
          owner: 'group:default/platform-team',
          system: 'system:default/storefront',
          stores,
          producedTopics: [],
          consumedTopics: [],
          port: 3050,
          latencyP95Ms: 100,
          availability: '99.9',
          minReplicas: 2,
          maxReplicas: 50,
          target: 'eks',
          publisher: 'local-git',
        },
      }),
    });
    // the template runs once, in beforeAll, for all the checks below
    // eslint-disable-next-line jest/no-standalone-expect
    expect(created.status).toBe(201);
    let task: { status: string } = { status: 'open' };
    while (!['completed', 'failed', 'cancelled'].includes(task.status)) {
      await new Promise(r => setTimeout(r, 250));
      task = (await json(`/api/scaffolder/v2/tasks/${created.body.id}`, { token })).body;
    }
    if (task.status !== 'completed') {
      const events = await json(`/api/scaffolder/v2/tasks/${created.body.id}/events`, { token });
      throw new Error(`task ${task.status}: ${JSON.stringify(events.body).slice(-2000)}`);
    }
    const taskDone = Date.now();
    while ((await json(`/api/catalog/entities/by-name/component/default/${name}`, { token })).status !== 200) {
      if (Date.now() - started > 120_000) throw new Error(`${name} never appeared in the catalog`);
      await new Promise(r => setTimeout(r, 250));
    }
    // the task's outputs travel on its completion event
    const events = (await json(`/api/scaffolder/v2/tasks/${created.body.id}/events`, { token })).body as {
      type: string;
      body: { output?: { links: { url?: string }[] } };
    }[];
    const completion = events.find(e => e.type === 'completion');
    repoDir = fileURLToPath(completion!.body.output!.links[0].url!);
    // eslint-disable-next-line no-console
    console.log(
      `template figures: task ${taskDone - started} ms, form submit -> registered entity ${Date.now() - started} ms, ` +
        `repository ${JSON.stringify(await repoSize(repoDir))}`,
    );
  }, 180_000);

  // leave the portal's catalog as it was: other suites count its components
  afterAll(async () => {
    const location = await json(`/api/catalog/locations/by-entity/component/default/${name}`, { token });
    if (location.status === 200) {
      await json(`/api/catalog/locations/${location.body.id}`, { method: 'DELETE', token });
    }
    if (repoDir) await rm(repoDir, { recursive: true, force: true });
  });

  it('is a git repository whose own tests pass', async () => {
    expect(await sh(repoDir, 'git', ['log', '--oneline'])).toContain('Initial commit from the service template');
    await sh(repoDir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
    await sh(repoDir, 'npm', ['run', 'typecheck']);
    const out = await sh(repoDir, 'npm', ['test']);
    expect(out).toMatch(/pass [1-9]/);
    expect(out).toMatch(/fail 0/);
  }, 600_000);

  it('has a chart that renders and lints in every environment', async () => {
    for (const env of ['dev', 'staging', 'prod']) {
      await sh(repoDir, 'helm', ['lint', 'chart', '--strict', '--values', `chart/values-${env}.yaml`]);
    }
    const rendered = await sh(repoDir, 'helm', ['template', name, 'chart', '--values', 'chart/values-prod.yaml']);
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor', 'ConfigMap']) {
      expect(rendered).toContain(`kind: ${kind}\n`);
    }
    expect(rendered).toContain('readOnlyRootFilesystem: true');
    expect(rendered).toContain('maxReplicas: 50');
    expect(rendered.includes('name: DATABASE_URL')).toBe(stores.includes('postgresql'));
    // an inverted range is refused when the chart renders, not by the cluster at deploy time
    await expect(
      sh(repoDir, 'helm', ['template', name, 'chart', '--set', 'autoscaling.minReplicas=10,autoscaling.maxReplicas=5']),
    ).rejects.toThrow('need 1 <= minReplicas <= maxReplicas, got minReplicas 10, maxReplicas 5');
  }, 120_000);

  it('has workflows that pass actionlint and alert rules that pass promtool', async () => {
    await sh(repoDir, 'actionlint', ['-no-color']);
    const out = await sh(repoDir, 'promtool', ['check', 'rules', `alerts/${name}.rules.yaml`]);
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  }, 120_000);

  it('starts against the local servers, is ready with each chosen store, and exposes every metric its dashboard queries', async () => {
    await sh(repoDir, 'npm', ['run', 'build']);
    const port = await freePort();
    const { DATABASE_URL, MONGODB_URI, REDIS_URL, KAFKA_BROKERS } = loadInfraEnv();
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: repoDir,
      env: { ...process.env, PORT: String(port), DATABASE_URL, MONGODB_URI, REDIS_URL, KAFKA_BROKERS },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        if ((await fetch(`${base}/healthz`).catch(() => undefined))?.ok) break;
        if (i > 100) throw new Error('service did not start');
        await new Promise(r => setTimeout(r, 100));
      }
      const ready = await fetch(`${base}/readyz`);
      expect({ status: ready.status, body: await ready.json() }).toEqual({
        status: 200,
        body: {
          status: 'ok',
          checks: Object.fromEntries(stores.map(store => [store, { status: 'ok' }])),
        },
      });
      await fetch(`${base}/v1/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"hi"}' });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const exposed = new Set([...metrics.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)].map(m => m[1]));
      const dashboard = JSON.parse(await readFile(join(repoDir, 'dashboards', `${name}.json`), 'utf8'));
      const queried = dashboardMetricNames(dashboard);
      expect(queried.length).toBeGreaterThanOrEqual(5);
      expect(queried.filter(n => !exposed.has(n))).toEqual([]);

      // SIGTERM drains, closes the stores' connections and exits cleanly (a hanging client would hit the 10 s guard)
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);
});

/** Runs a template through the portal's scaffolder API once and waits for its entity; the repository's directory. */
async function createFromTemplate(template: string, values: Record<string, unknown>) {
  const token = (await json('/api/auth/guest/refresh', { method: 'POST' })).body.backstageIdentity.token as string;
  const started = Date.now();
  const created = await json('/api/scaffolder/v2/tasks', {
    method: 'POST',
    token,
    body: JSON.stringify({ templateRef: `template:default/${template}`, values }),
  });
  if (created.status !== 201) throw new Error(`task not created (${created.status}): ${JSON.stringify(created.body)}`);
  let task: { status: string } = { status: 'open' };
  while (!['completed', 'failed', 'cancelled'].includes(task.status)) {
    await new Promise(r => setTimeout(r, 250));
    task = (await json(`/api/scaffolder/v2/tasks/${created.body.id}`, { token })).body;
  }
  const events = (await json(`/api/scaffolder/v2/tasks/${created.body.id}/events`, { token })).body as {
    type: string;
    body: { output?: { links: { url?: string }[] } };
  }[];
  if (task.status !== 'completed') throw new Error(`task ${task.status}: ${JSON.stringify(events).slice(-2000)}`);
  while ((await json(`/api/catalog/entities/by-name/component/default/${values.name}`, { token })).status !== 200) {
    if (Date.now() - started > 120_000) throw new Error(`${values.name} never appeared in the catalog`);
    await new Promise(r => setTimeout(r, 250));
  }
  const repoDir = fileURLToPath(events.find(e => e.type === 'completion')!.body.output!.links[0].url!);
  // eslint-disable-next-line no-console
  console.log(`${template} figures: form submit -> registered entity ${Date.now() - started} ms, repository ${JSON.stringify(await repoSize(repoDir))}`);
  return {
    repoDir,
    /** unregisters the component and removes the repository: other suites count the catalog's components */
    async remove() {
      const location = await json(`/api/catalog/locations/by-entity/component/default/${values.name}`, { token });
      if (location.status === 200) await json(`/api/catalog/locations/${location.body.id}`, { method: 'DELETE', token });
      await rm(repoDir, { recursive: true, force: true });
    },
  };
}

/** The generated repository's checks, each once: install, build (which type-checks), its own tests, the chart in every environment, workflows, alert rules. */
async function checkGeneratedRepository(repoDir: string, name: string, testEnv: Record<string, string>) {
  expect(await sh(repoDir, 'git', ['log', '--oneline'])).toContain('Initial commit from the service template');
  await sh(repoDir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
  await sh(repoDir, 'npm', ['run', 'build']);
  const out = await run('npm', ['test'], { cwd: repoDir, env: { ...process.env, ...testEnv }, maxBuffer: 1 << 26 }).then(
    r => r.stdout,
    e => {
      throw new Error(`npm test failed in ${repoDir}:\n${e.stdout}\n${e.stderr}`);
    },
  );
  expect(out).toMatch(/pass [1-9]/);
  expect(out).toMatch(/fail 0/);
  expect(out).toMatch(/skipped 0/);
  for (const env of ['dev', 'staging', 'prod']) {
    await sh(repoDir, 'helm', ['lint', 'chart', '--strict', '--values', `chart/values-${env}.yaml`]);
  }
  await sh(repoDir, 'actionlint', ['-no-color']);
  expect(await sh(repoDir, 'promtool', ['check', 'rules', `alerts/${name}.rules.yaml`])).toMatch(/SUCCESS: 5 rules found/);
  return sh(repoDir, 'helm', ['template', name, 'chart', '--values', 'chart/values-prod.yaml']);
}

/** Starts the built service; resolves once /healthz answers. */
async function startService(repoDir: string, env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: repoDir, env: { ...process.env, ...env, PORT: String(port) } });
  let log = '';
  child.stdout.on('data', chunk => (log += chunk));
  child.stderr.on('data', chunk => (log += chunk));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/healthz`).catch(() => undefined))?.ok) break;
    if (i > 100) throw new Error(`service did not start:\n${log}`);
    await new Promise(r => setTimeout(r, 100));
  }
  return {
    base,
    log: () => log,
    /** SIGTERM: the exit code after a clean drain */
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      return (await exited)[0] as number;
    },
    kill: () => child.exitCode === null && child.kill('SIGKILL'),
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

/** Metric families the dashboard's panels query, except panels marked as read from an exporter. */
function queriedFamilies(dashboard: { panels: { description?: string; targets: { expr: string }[] }[] }) {
  const names = new Set<string>();
  for (const panel of dashboard.panels.filter(p => !p.description?.startsWith('exporter:'))) {
    for (const { expr } of panel.targets) {
      for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) names.add(m[1].replace(/_(bucket|count|sum)$/, ''));
    }
  }
  return [...names];
}

describeWithPortal('event-consumer-service template through the portal', () => {
  const id = Date.now().toString(36);
  const name = `e2e-consumer-${id}`;
  const topic = `e2e.consumer.${id}`;
  let created: Awaited<ReturnType<typeof createFromTemplate>> | undefined;

  beforeAll(async () => {
    created = await createFromTemplate('event-consumer-service', {
      name,
      description: 'End-to-end check of the event consumer template',
      owner: 'group:default/platform-team',
      system: 'system:default/storefront',
      consumedTopics: [topic],
      consumerGroup: '',
      port: 3051,
      minReplicas: 1,
      maxReplicas: 8,
      lagThreshold: 50,
      alertLag: 1000,
      target: 'eks',
      publisher: 'local-git',
    });
  }, 180_000);

  afterAll(async () => {
    await created?.remove();
  });

  it('creates a repository whose own tests pass against Kafka, whose chart scales on lag, and whose service consumes and reports every metric its dashboard reads', async () => {
    const { repoDir } = created!;
    const { KAFKA_BROKERS } = loadInfraEnv();
    // KAFKA_BROKERS set: the repository's consumer tests (dead letters, lag, throughput) run against the local broker
    const rendered = await checkGeneratedRepository(repoDir, name, { KAFKA_BROKERS });
    expect(rendered).toContain('kind: ScaledObject\n');
    expect(rendered).not.toContain('kind: HorizontalPodAutoscaler\n');
    expect(rendered).toMatch(new RegExp(`type: kafka\\n\\s+metadata:\\n\\s+bootstrapServersFromEnv: KAFKA_BROKERS\\n\\s+consumerGroup: "${name}"\\n\\s+topic: "${topic.replaceAll('.', '\\.')}"\\n\\s+lagThreshold: "50"`));

    // the built service, with the settings the template gave it, against the local broker
    const { Kafka, logLevel } = createRequire(join(repoDir, 'package.json'))('kafkajs');
    const kafka = new Kafka({ clientId: 'template-e2e', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const service = await startService(repoDir, { KAFKA_BROKERS, KAFKA_FROM_BEGINNING: 'true' });
    const producer = kafka.producer();
    try {
      const metricsText = () => fetch(`${service.base}/metrics`).then(r => r.text());
      // ready once a member of its group, which it joins after creating its dead-letter topic
      await until('readiness', async () => ((await fetch(`${service.base}/readyz`)).status === 200 ? true : undefined));
      await producer.connect();
      await producer.send({
        topic,
        messages: [
          { value: JSON.stringify({ id: 'e-1', type: 'order.paid', occurredAt: new Date().toISOString() }) },
          { value: '{"not": "an event"}' },
        ],
      });
      const sample = (text: string, metric: string) =>
        Number(new RegExp(`^${metric}\\{[^}]*topic="${topic.replaceAll('.', '\\.')}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
      const text = await until('both messages handled', async () => {
        const t = await metricsText();
        return sample(t, 'kafka_consumer_processed_total') === 1 && sample(t, 'kafka_consumer_dlq_total') === 1 ? t : undefined;
      });
      expect(sample(text, 'kafka_consumer_lag')).toBe(0);
      const exposed = new Set([...text.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) /gm)].map(m => m[1]));
      const queried = queriedFamilies(JSON.parse(await readFile(join(repoDir, 'dashboards', `${name}.json`), 'utf8')));
      expect(queried.length).toBeGreaterThanOrEqual(7);
      expect(queried.filter(n => !exposed.has(n))).toEqual([]);
      // SIGTERM: the batch in flight commits, the group is left, the process exits cleanly
      expect(await service.stop()).toBe(0);
    } finally {
      service.kill();
      await producer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteGroups([name]).catch(() => undefined);
      await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 600_000);
});

/** The MLflow REST calls that publish a version of a linear model (`model.json`) under a run, as training would. */
async function publishModelVersion(mlflow: string, model: string, weights: number[], bias: number, runs: string[]): Promise<string> {
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${mlflow}/api/2.0/mlflow/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await call('POST', 'registered-models/create', { name: model }).catch(error => {
    if (!/RESOURCE_ALREADY_EXISTS/.test((error as Error).message)) throw error;
  });
  const found = await fetch(`${mlflow}/api/2.0/mlflow/experiments/get-by-name?experiment_name=template-e2e`);
  const experimentId = found.ok
    ? (await found.json()).experiment.experiment_id
    : (await call('POST', 'experiments/create', { name: 'template-e2e' })).experiment_id;
  const mlflowRun = (await call('POST', 'runs/create', { experiment_id: experimentId, run_name: model })).run.info;
  runs.push(mlflowRun.run_id);
  const artifact = /^mlflow-artifacts:\/(.*)$/.exec(mlflowRun.artifact_uri)![1];
  const upload = await fetch(`${mlflow}/api/2.0/mlflow-artifacts/artifacts/${artifact}/model/model.json`, {
    method: 'PUT',
    body: JSON.stringify({ format: 'linear-v1', features: ['price', 'clicks'], weights, bias }),
  });
  if (!upload.ok) throw new Error(`upload: ${upload.status}`);
  const version = await call('POST', 'model-versions/create', { name: model, source: `${mlflowRun.artifact_uri}/model`, run_id: mlflowRun.run_id });
  return version.model_version.version;
}

describeWithPortal('model-serving-service template through the portal', () => {
  const id = Date.now().toString(36);
  const name = `e2e-model-${id}`;
  const model = `template-e2e-${id}`;
  let created: Awaited<ReturnType<typeof createFromTemplate>> | undefined;
  let mlflow = '';
  const runs: string[] = [];

  beforeAll(async () => {
    mlflow = loadInfraEnv().MLFLOW_TRACKING_URI.replace(/\/$/, '');
    created = await createFromTemplate('model-serving-service', {
      name,
      description: 'End-to-end check of the model serving template',
      owner: 'group:default/platform-team',
      system: 'system:default/storefront',
      modelName: model,
      modelAlias: 'champion',
      mlflowTrackingUri: 'http://mlflow.mlflow.svc.cluster.local:5000',
      registryNamespace: 'mlflow',
      registryPort: 5000,
      memoryLimitMi: 1024,
      startupBudgetSeconds: 300,
      port: 3052,
      latencyP95Ms: 50,
      availability: '99.9',
      minReplicas: 2,
      maxReplicas: 20,
      target: 'eks',
      publisher: 'local-git',
    });
  }, 180_000);

  afterAll(async () => {
    await created?.remove();
    await fetch(`${mlflow}/api/2.0/mlflow/registered-models/delete`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: model }),
    });
    for (const runId of runs) {
      await fetch(`${mlflow}/api/2.0/mlflow/runs/delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ run_id: runId }) });
    }
  });

  it('creates a repository whose own tests pass, with a start-up budget in its chart, and whose service is ready only with the champion and follows the alias in MLflow', async () => {
    const { repoDir } = created!;
    const rendered = await checkGeneratedRepository(repoDir, name, {});
    expect(rendered).toContain('startupProbe:\n');
    expect(rendered).toContain(`MODEL_URI: "models:/${model}@champion"`);

    const alias = (version: string) =>
      fetch(`${mlflow}/api/2.0/mlflow/registered-models/alias`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: model, alias: 'champion', version }),
      }).then(r => expect(r.status).toBe(200));
    const v1 = await publishModelVersion(mlflow, model, [0.5, -2], 1, runs);
    // the registered model exists, its champion alias not yet: alive, not ready, no predictions
    const service = await startService(repoDir, { MLFLOW_TRACKING_URI: mlflow, MODEL_POLL_INTERVAL_MS: '200' });
    const predict = () =>
      fetch(`${service.base}/v1/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: { price: 4, clicks: 0.25 } }),
      });
    try {
      const notReady = await until('a first poll', async () => {
        const res = await fetch(`${service.base}/readyz`);
        const body = await res.json();
        return res.status === 503 && /alias champion is not set/.test(body.checks.model.error) ? body : undefined;
      });
      expect(notReady.detail).toBe('unavailable: model');
      expect((await predict()).status).toBe(503);

      await alias(v1);
      await until('readiness with v1', async () => ((await fetch(`${service.base}/readyz`)).status === 200 ? true : undefined));
      // 1 + 0.5 * 4 - 2 * 0.25
      expect(await (await predict()).json()).toEqual({ prediction: 2.5, model: { name: model, version: v1 } });

      // promoting another version is an alias move in MLflow: the running service follows it
      const v2 = await publishModelVersion(mlflow, model, [1, 4], 0, runs);
      await alias(v2);
      const answer = await until('v2 served', async () => {
        const body = await (await predict()).json();
        return body.model?.version === v2 ? body : undefined;
      });
      expect(answer.prediction).toBe(5);

      const text = await (await fetch(`${service.base}/metrics`)).text();
      for (const version of [v1, v2]) {
        expect(text).toMatch(new RegExp(`^model_prediction_duration_seconds_count\\{model_version="${version}"\\} [1-9]`, 'm'));
      }
      const exposed = new Set([...text.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) /gm)].map(m => m[1]));
      const queried = queriedFamilies(JSON.parse(await readFile(join(repoDir, 'dashboards', `${name}.json`), 'utf8')));
      expect(queried.length).toBeGreaterThanOrEqual(8);
      expect(queried.filter(n => !exposed.has(n))).toEqual([]);
      expect(await service.stop()).toBe(0);
    } finally {
      service.kill();
    }
  }, 600_000);
});
