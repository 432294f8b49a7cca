import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
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
