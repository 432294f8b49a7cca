/**
 * The portal at N synthetic components: ingestion time, catalog page time and the backend's resident memory, on
 * SQLite (app-config.yaml) and on PostgreSQL (app-config.production.yaml). Prints one table; docs/benchmarks.md.
 *
 * Usage (through scripts/bench/catalog-scale.sh, which puts the project's Node on PATH):
 *   scripts/bench/catalog-scale.sh [--sizes 1000,10000] [--db sqlite,pg] [--port 17007] [--settle 30] [--keep]
 *     [--page-loads 3] [--no-heap-stats] [--extra-config file.yaml ...]
 * --extra-config layers a variant on top of the portal's config (docs/benchmarks.md has the one for "before");
 * The portal runs with an inspector on 127.0.0.1:17229, through which the script reads V8's view of its memory and
 * forces a full GC at the end ("RSS after GC": what the portal really holds); --no-heap-stats runs it without.
 *
 * Each run starts its own portal exactly as ./idp start does (backend from source, built frontend served by
 * app-backend) on its own port with an extra --config file in a temporary directory; PostgreSQL runs use the
 * development infrastructure's server (DATABASE_URL of .state/infra.env) with their own database prefix, dropped
 * before and after. Nothing of the platform's services is started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from '@playwright/test';
import { Client } from 'pg';
import { stringify } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const LABEL = 'catalog-scale-bench';
const PG_PREFIX = 'bench_catalog_scale_';
const GOALS = { ingestionS: 60, pageS: 2, rssMiB: 1024 };

interface Options {
  sizes: number[];
  dbs: Array<'sqlite' | 'pg'>;
  port: number;
  settleS: number;
  keep: boolean;
  pageLoads: number;
  heapStats: boolean;
  extraConfigs: string[];
}

interface Result {
  db: string;
  n: number;
  startS: number;
  ingestionS: number;
  ingestionCpuS: number;
  searchIndexS: number | undefined;
  pageFirstS: number;
  pageMedianS: number;
  readyRssMiB: number;
  peakRssMiB: number;
  settledRssMiB: number;
  afterGcRssMiB: number | undefined;
  settledCpuPercent: number;
  loadAverage: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    sizes: [1000, 10000],
    dbs: ['sqlite', 'pg'],
    port: 17007,
    settleS: 30,
    keep: false,
    pageLoads: 3,
    heapStats: true,
    extraConfigs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--sizes':
        options.sizes = value()
          .split(',')
          .map(s => Number(s));
        if (options.sizes.some(n => !Number.isInteger(n) || n < 1))
          throw new Error('--sizes takes positive integers');
        break;
      case '--db':
        options.dbs = value()
          .split(',')
          .map(d => {
            if (d !== 'sqlite' && d !== 'pg')
              throw new Error(`--db takes sqlite and/or pg, not ${d}`);
            return d;
          });
        break;
      case '--port':
        options.port = Number(value());
        break;
      case '--settle':
        options.settleS = Number(value());
        break;
      case '--page-loads':
        options.pageLoads = Number(value());
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--extra-config':
        options.extraConfigs.push(resolve(value()));
        break;
      case '--no-heap-stats':
        options.heapStats = false;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return options;
}

function readInfraEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(ROOT, '.state/infra.env'), 'utf8').split(
    '\n',
  )) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}

/** A deterministic pseudo-random sequence, so two runs of one size register the same catalog. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * N components in one file, as a large organisation's catalog looks: owned by one of 50 teams, part of one of
 * 100 systems (in 10 domains), with a type, lifecycle, tags, links to their repository, and relations (each
 * depends on up to three earlier components; every 20th provides an API that a few others consume).
 */
export function syntheticCatalog(n: number): string {
  const rnd = random(n);
  const pick = <T>(items: readonly T[]) =>
    items[Math.floor(rnd() * items.length)];
  const pad = (i: number) => String(i).padStart(5, '0');
  const teams = Array.from(
    { length: 50 },
    (_, i) => `bench-team-${String(i).padStart(2, '0')}`,
  );
  const systems = Array.from(
    { length: 100 },
    (_, i) => `bench-system-${String(i).padStart(3, '0')}`,
  );
  const domains = Array.from({ length: 10 }, (_, i) => `bench-domain-${i}`);
  const tagPool = [
    'java',
    'typescript',
    'go',
    'python',
    'kafka',
    'postgres',
    'redis',
    'grpc',
    'rest',
    'batch',
    'ml',
    'frontend',
    'pci',
    'gdpr',
  ];
  const docs: object[] = [];
  const labels = { [LABEL]: 'true' };
  for (const team of teams)
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: team, labels, description: `Synthetic team ${team}` },
      spec: { type: 'team', children: [] },
    });
  domains.forEach((domain, i) =>
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: domain, labels },
      spec: { owner: `group:default/${teams[i]}` },
    }),
  );
  systems.forEach((system, i) =>
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: system,
        labels,
        description: `Synthetic system ${system}`,
      },
      spec: {
        owner: `group:default/${teams[i % teams.length]}`,
        domain: domains[i % domains.length],
      },
    }),
  );
  const apiOf = (i: number) => `bench-api-${pad(i)}`;
  for (let i = 0; i < n; i++) {
    const name = `bench-component-${pad(i)}`;
    const system = pick(systems);
    const owner = teams[systems.indexOf(system) % teams.length];
    const tags = Array.from(
      new Set([pick(tagPool), pick(tagPool), pick(tagPool)]),
    ).slice(0, 1 + Math.floor(rnd() * 3));
    const dependsOn =
      i === 0
        ? []
        : Array.from(
            new Set(
              Array.from(
                { length: Math.floor(rnd() * 4) },
                () =>
                  `component:default/bench-component-${pad(
                    Math.floor(rnd() * i),
                  )}`,
              ),
            ),
          );
    const providesApi = i % 20 === 0;
    const apiProviders = Math.floor(i / 20);
    const consumesApis =
      i > 20 && rnd() < 0.3
        ? [`api:default/${apiOf(20 * Math.floor(rnd() * apiProviders))}`]
        : [];
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        title: `Bench component ${pad(i)}`,
        description: `Synthetic ${system} component number ${i}, owned by ${owner}.`,
        labels,
        tags,
        annotations: {
          'backstage.io/source-location': `url:https://git.example.com/${owner}/${name}`,
        },
        links: [
          {
            url: `https://git.example.com/${owner}/${name}`,
            title: 'Repository',
          },
        ],
      },
      spec: {
        type: pick(['service', 'service', 'service', 'website', 'library']),
        lifecycle: pick([
          'production',
          'production',
          'experimental',
          'deprecated',
        ]),
        owner: `group:default/${owner}`,
        system,
        dependsOn,
        ...(providesApi ? { providesApis: [apiOf(i)] } : {}),
        consumesApis,
      },
    });
    if (providesApi)
      docs.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'API',
        metadata: { name: apiOf(i), labels, description: `API of ${name}` },
        spec: {
          type: 'openapi',
          lifecycle: 'production',
          owner: `group:default/${owner}`,
          system,
          definition: `openapi: 3.0.3\ninfo: { title: ${apiOf(
            i,
          )}, version: 1.0.0 }\npaths: {}\n`,
        },
      });
  }
  return docs.map(d => stringify(d)).join('---\n');
}

function benchConfig(port: number, db: 'sqlite' | 'pg'): object {
  const url = `http://localhost:${port}`;
  return {
    app: { baseUrl: url },
    backend: {
      baseUrl: url,
      listen: { port },
      cors: { origin: url },
      // own databases on the shared development server: bench_catalog_scale_catalog, ..._search, ...
      ...(db === 'pg' ? { database: { prefix: PG_PREFIX } } : {}),
    },
  };
}

async function dropBenchDatabases(databaseUrl: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${PG_PREFIX}%`],
    );
    for (const { datname } of rows)
      await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  if (!m) throw new Error(`no ${field} for pid ${pid}`);
  return Number(m[1]) / 1024;
}

class Portal {
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited = false;
  private tokenValue: string | undefined;

  constructor(
    private readonly port: number,
    private readonly db: 'sqlite' | 'pg',
    private readonly dir: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
    private readonly inspect: boolean,
    private readonly extraConfigs: string[],
  ) {
    this.url = `http://localhost:${port}`;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('portal not started');
    return this.child.pid;
  }

  /** Starts the backend as scripts/lib/processes.sh does (NODE_ENV=production, from source, source maps on). */
  start() {
    const configPath = join(this.dir, 'app-config.bench.yaml');
    writeFileSync(configPath, stringify(benchConfig(this.port, this.db)));
    const configs = ['--config', join(ROOT, 'app-config.yaml')];
    if (this.db === 'pg')
      configs.push('--config', join(ROOT, 'app-config.production.yaml'));
    // a variant to compare (say, a setting as it was before), then the bench's own ports and database last
    for (const extra of this.extraConfigs) configs.push('--config', extra);
    configs.push('--config', configPath);
    const log = createWriteStream(this.logFile);
    this.child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        ...(this.inspect ? [`--inspect=127.0.0.1:${INSPECTOR_PORT}`] : []),
        // as ./idp start runs it; BENCH_SOURCE_MAPS=0 measures the portal without Node's source-map support
        ...(process.env.BENCH_SOURCE_MAPS === '0'
          ? []
          : ['--enable-source-maps']),
        '--require',
        '@backstage/cli-node/config/nodeTransform.cjs',
        'src/index.ts',
        ...configs,
      ],
      {
        cwd: join(ROOT, 'packages/backend'),
        env: { ...process.env, ...this.env, NODE_ENV: 'production' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    this.child.on('exit', () => {
      this.exited = true;
    });
  }

  async waitHealthy(timeoutS: number) {
    const deadline = Date.now() + timeoutS * 1000;
    for (;;) {
      if (this.exited)
        throw new Error(`portal exited during start-up; see ${this.logFile}`);
      try {
        if ((await fetch(`${this.url}/healthcheck`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`portal not healthy after ${timeoutS} s`);
      await sleep(250);
    }
  }

  async token(): Promise<string> {
    if (!this.tokenValue) {
      const res = await fetch(`${this.url}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      if (!res.ok)
        throw new Error(`guest sign-in: ${res.status} ${await res.text()}`);
      this.tokenValue = (
        (await res.json()) as { backstageIdentity: { token: string } }
      ).backstageIdentity.token;
    }
    return this.tokenValue;
  }

  async api(path: string, init: RequestInit = {}): Promise<Response> {
    const request = async () =>
      fetch(`${this.url}${path}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${await this.token()}`,
          'Content-Type': 'application/json',
          ...init.headers,
        },
      });
    if (init.method && init.method !== 'GET') return request();
    // while the backend's event loop is blocked (parsing the big file), its keep-alive timer closes the idle socket
    // late, just as the next poll reuses it: an ECONNRESET that says nothing about the portal, so a GET is retried
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (attempt === 3 || this.exited) throw error;
        await sleep(200);
      }
    }
  }

  async count(filter: string): Promise<number> {
    const res = await this.api(
      `/api/catalog/entities/by-query?filter=${encodeURIComponent(
        filter,
      )}&limit=0`,
    );
    if (!res.ok)
      throw new Error(
        `catalog query ${filter}: ${res.status} ${await res.text()}`,
      );
    return ((await res.json()) as { totalItems: number }).totalItems;
  }

  async waitCount(filter: string, expected: number, timeoutS: number) {
    const deadline = Date.now() + timeoutS * 1000;
    let last = -1;
    let slowestMs = 0;
    for (;;) {
      if (this.exited) throw new Error('portal exited');
      const asked = Date.now();
      last = await this.count(filter);
      const tookMs = Date.now() - asked;
      slowestMs = Math.max(slowestMs, tookMs);
      if (last >= expected) return slowestMs;
      if (Date.now() > deadline)
        throw new Error(
          `catalog holds ${last} of ${expected} for ${filter} after ${timeoutS} s`,
        );
      // on SQLite a count over 10,000 entities is up to a second of the backend's own (single) thread: waiting four
      // times as long as the last one took keeps the measuring below a fifth of what it measures
      await sleep(Math.max(1000, 4 * tookMs));
    }
  }

  async stop() {
    if (!this.child?.pid || this.exited) return;
    process.kill(-this.child.pid, 'SIGTERM');
    for (let i = 0; i < 50 && !this.exited; i++) await sleep(200);
    if (!this.exited) process.kill(-this.child.pid, 'SIGKILL');
  }
}

const INSPECTOR_PORT = 17229;

/**
 * The backend's memory as V8 sees it (heap used and reserved, memory outside the heap such as SQLite's pages and
 * buffers), before and after a full garbage collection, through the inspector the portal was started with.
 */
async function heapStats(): Promise<string> {
  const [target] = (await (
    await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json/list`)
  ).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((ok, fail) => {
    socket.onopen = ok;
    socket.onerror = fail;
  });
  let id = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<any>(ok => {
      const mine = ++id;
      socket.addEventListener('message', function listener(event) {
        const message = JSON.parse(String(event.data));
        if (message.id !== mine) return;
        socket.removeEventListener('message', listener);
        ok(message.result);
      });
      socket.send(JSON.stringify({ id: mine, method, params }));
    });
  const usage = async () => {
    const { result } = await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const m = JSON.parse(result.value) as Record<string, number>;
    const mib = (v: number) => (v / 1048576).toFixed(0);
    return `rss ${mib(m.rss)}, heap used ${mib(m.heapUsed)} of ${mib(
      m.heapTotal,
    )}, external ${mib(m.external)} (array buffers ${mib(m.arrayBuffers)}) MiB`;
  };
  try {
    const before = await usage();
    await call('HeapProfiler.collectGarbage');
    // the allocator hands freed pages back a moment after the collection
    await sleep(2000);
    return `${before}; after a full GC: ${await usage()}`;
  } finally {
    socket.close();
  }
}

interface SchedulerTask {
  taskId: string;
  taskState: {
    status: string;
    lastRunEndedAt?: string;
    startedAt?: string;
  } | null;
}

/** Runs the search index of the catalog now (the scheduler's trigger endpoint) and waits for it to end. */
async function runCatalogSearchIndex(
  portal: Portal,
  timeoutS: number,
): Promise<number | undefined> {
  const tasks = async () => {
    const res = await portal.api('/api/search/.backstage/scheduler/v1/tasks');
    if (!res.ok)
      throw new Error(`search tasks: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { tasks: SchedulerTask[] }).tasks;
  };
  const task = (await tasks()).find(t => t.taskId.includes('software_catalog'));
  if (!task) return undefined;
  // an index run still going (the start-up one) ends first: a trigger would be refused
  while (
    (await tasks()).find(t => t.taskId === task.taskId)?.taskState?.status ===
    'running'
  )
    await sleep(500);
  const started = Date.now();
  const trigger = async () => {
    const res = await portal.api(
      `/api/search/.backstage/scheduler/v1/tasks/${encodeURIComponent(
        task.taskId,
      )}/trigger`,
      { method: 'POST' },
    );
    if (!res.ok)
      throw new Error(
        `trigger ${task.taskId}: ${res.status} ${await res.text()}`,
      );
  };
  await trigger();
  const deadline = started + timeoutS * 1000;
  let seenRunning = false;
  for (;;) {
    await sleep(500);
    const state = (await tasks()).find(
      t => t.taskId === task.taskId,
    )?.taskState;
    const ended = state?.lastRunEndedAt ? Date.parse(state.lastRunEndedAt) : 0;
    if (state?.status !== 'running' && ended >= started)
      return (ended - started) / 1000;
    seenRunning ||= state?.status === 'running';
    // a trigger that lands while the worker is between its states is lost: the run would wait for the next schedule
    if (!seenRunning && Date.now() - started > 10_000) {
      log('the search index run did not start; triggering it again');
      await trigger();
      seenRunning = true;
    }
    if (Date.now() > deadline)
      throw new Error(
        `search index of the catalog still running after ${timeoutS} s`,
      );
  }
}

/** Time until the catalog table shows its first rows, signed in as guest; the first load, then the median. */
async function catalogPageTimes(
  url: string,
  loads: number,
): Promise<{ firstS: number; medianS: number }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext({
      baseURL: url,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    // signed in on a page that asks the catalog nothing, so no request of the home page is still running when the
    // timed loads begin
    await page.goto('/settings');
    const enter = page.getByRole('button', { name: 'Enter', exact: true });
    await enter.click();
    await enter.waitFor({ state: 'detached' });
    await page.waitForLoadState('networkidle');
    const times: number[] = [];
    // where a page load's time goes: the portal's API calls of the last load, slowest first
    let calls: Array<{ path: string; ms: number }> = [];
    page.on('requestfinished', request => {
      const path = request.url().replace(url, '');
      if (!path.startsWith('/api/')) return;
      const timing = request.timing();
      calls.push({
        path: decodeURIComponent(path).slice(0, 160),
        ms: timing.responseEnd,
      });
    });
    for (let i = 0; i < loads; i++) {
      calls = [];
      const started = Date.now();
      await page.goto('/catalog?filters[kind]=component&filters[user]=all');
      const table = page
        .getByRole('table')
        .filter({ has: page.getByRole('columnheader', { name: 'Name' }) });
      await table
        .locator('a[href*="/catalog/default/component/"]')
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
      times.push((Date.now() - started) / 1000);
    }
    await page.waitForLoadState('networkidle');
    log(
      `  the last load made ${calls.length} API calls (${
        calls.filter(c => c.path.startsWith('/api/catalog/')).length
      } to the catalog); the slowest:`,
    );
    for (const call of calls.sort((a, b) => b.ms - a.ms).slice(0, 8))
      log(`  ${call.ms.toFixed(0).padStart(6)} ms ${call.path}`);
    const sorted = [...times].sort((a, b) => a - b);
    return { firstS: times[0], medianS: sorted[Math.floor(sorted.length / 2)] };
  } finally {
    await browser.close();
  }
}

async function benchOne(
  options: Options,
  db: 'sqlite' | 'pg',
  n: number,
  infra: Record<string, string>,
  dir: string,
): Promise<Result> {
  const catalogFile = join(dir, `catalog-${n}.yaml`);
  writeFileSync(catalogFile, syntheticCatalog(n));
  if (db === 'pg') await dropBenchDatabases(infra.DATABASE_URL);
  const portal = new Portal(
    options.port,
    db,
    dir,
    {
      DATABASE_URL: infra.DATABASE_URL,
      SERVICE_JWT_PRIVATE_KEY: readFileSync(
        join(dir, 'service-key.pem'),
        'utf8',
      ),
    },
    join(dir, `portal-${db}-${n}.log`),
    options.heapStats,
    options.extraConfigs,
  );
  const started = Date.now();
  let peakSampled = 0;
  portal.start();
  const sampler = setInterval(() => {
    try {
      peakSampled = Math.max(peakSampled, rssMiB(portal.pid, 'VmRSS'));
    } catch {
      // process gone
    }
  }, 250);
  try {
    await portal.waitHealthy(240);
    // the portal's own catalog (catalog-info/all.yaml) is in: the start-up work is done, as ./idp start waits for
    await portal.waitCount('kind=component,spec.type=service', 12, 180);
    const startS = (Date.now() - started) / 1000;
    const readyRssMiB = rssMiB(portal.pid, 'VmRSS');

    const registeredAt = Date.now();
    const cpuBefore = cpuSeconds(portal.pid);
    const res = await portal.api('/api/catalog/locations', {
      method: 'POST',
      body: JSON.stringify({ type: 'file', target: catalogFile }),
    });
    if (!res.ok)
      throw new Error(
        `registering ${catalogFile}: ${res.status} ${await res.text()}`,
      );
    // processed and stitched: a component's row in the search table carries its own relations
    const slowestPollMs = await portal.waitCount(
      `kind=component,metadata.labels.${LABEL}=true,relations.ownedby`,
      n,
      900,
    );
    const ingestionS = (Date.now() - registeredAt) / 1000;
    const ingestionCpuS = cpuSeconds(portal.pid) - cpuBefore;
    log(
      `${db} ${n}: ingested in ${ingestionS.toFixed(
        1,
      )} s (${ingestionCpuS.toFixed(
        1,
      )} s of the portal's CPU; slowest count query ${slowestPollMs} ms)`,
    );

    const searchIndexS = await runCatalogSearchIndex(portal, 900);
    log(
      `${db} ${n}: search index of the catalog in ${
        searchIndexS?.toFixed(1) ?? '-'
      } s`,
    );

    const page = await catalogPageTimes(portal.url, options.pageLoads);
    log(
      `${db} ${n}: catalog page first rows ${page.firstS.toFixed(
        2,
      )} s (first), ${page.medianS.toFixed(2)} s (median)`,
    );

    const cpuBeforeSettle = cpuSeconds(portal.pid);
    await sleep(options.settleS * 1000);
    const settledRssMiB = rssMiB(portal.pid, 'VmRSS');
    const settledCpuPercent =
      ((cpuSeconds(portal.pid) - cpuBeforeSettle) / options.settleS) * 100;
    log(
      `${db} ${n}: settled: RSS ${settledRssMiB.toFixed(
        0,
      )} MiB, ${settledCpuPercent.toFixed(0)}% of a core over ${
        options.settleS
      } s`,
    );
    let afterGcRssMiB: number | undefined;
    if (options.heapStats) {
      log(`${db} ${n}: ${await heapStats()}`);
      afterGcRssMiB = rssMiB(portal.pid, 'VmRSS');
    }
    const peakRssMiB = Math.max(peakSampled, rssMiB(portal.pid, 'VmHWM'));
    return {
      db,
      n,
      startS,
      ingestionS,
      ingestionCpuS,
      searchIndexS,
      pageFirstS: page.firstS,
      pageMedianS: page.medianS,
      readyRssMiB,
      peakRssMiB,
      settledRssMiB,
      afterGcRssMiB,
      settledCpuPercent,
      loadAverage: loadavg()
        .map(l => l.toFixed(1))
        .join(' '),
    };
  } finally {
    clearInterval(sampler);
    await portal.stop();
    if (db === 'pg' && !options.keep)
      await dropBenchDatabases(infra.DATABASE_URL);
  }
}

function log(line: string) {
  process.stderr.write(`[catalog-scale] ${line}\n`);
}

function printTable(results: Result[]) {
  const mark = (ok: boolean) => (ok ? '' : ' ✗');
  const rows = results.map(r => [
    r.db === 'pg' ? 'PostgreSQL' : 'SQLite',
    String(r.n),
    r.startS.toFixed(1),
    r.ingestionS.toFixed(1) + mark(r.ingestionS < GOALS.ingestionS),
    r.ingestionCpuS.toFixed(1),
    r.searchIndexS === undefined ? '-' : r.searchIndexS.toFixed(1),
    `${r.pageFirstS.toFixed(2)} / ${r.pageMedianS.toFixed(2)}${mark(
      r.pageFirstS < GOALS.pageS,
    )}`,
    r.readyRssMiB.toFixed(0),
    r.peakRssMiB.toFixed(0) + mark(r.peakRssMiB < GOALS.rssMiB),
    r.settledRssMiB.toFixed(0) + mark(r.settledRssMiB < GOALS.rssMiB),
    r.afterGcRssMiB === undefined ? '-' : r.afterGcRssMiB.toFixed(0),
    r.settledCpuPercent.toFixed(0),
    r.loadAverage,
  ]);
  const header = [
    'database',
    'components',
    'start s',
    'ingestion s',
    'portal CPU s in ingestion',
    'search index s',
    'page s (first / median)',
    'RSS ready MiB',
    'RSS peak MiB',
    'RSS settled MiB',
    'RSS after full GC MiB',
    'settled CPU % of a core',
    'machine load (1/5/15 min)',
  ];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  console.log(line(header));
  console.log(line(header.map(() => '---')));
  for (const row of rows) console.log(line(row));
  console.log(
    `goals at 10,000: ingestion < ${GOALS.ingestionS} s, page < ${GOALS.pageS} s, RSS < ${GOALS.rssMiB} MiB (✗: missed)`,
  );
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const infra = readInfraEnv();
  const dir = mkdtempSync(join(tmpdir(), 'catalog-scale-'));
  // a throw-away signing key for the portal's service tokens (cost, experiments, model registry): never used here
  const { generateKeyPairSync } = await import('node:crypto');
  writeFileSync(
    join(dir, 'service-key.pem'),
    generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  );
  log(`working directory ${dir}`);
  const results: Result[] = [];
  for (const db of options.dbs)
    for (const n of options.sizes) {
      try {
        results.push(await benchOne(options, db, n, infra, dir));
      } catch (error) {
        // the portal's log stays for a look at what went wrong
        const logFile = join(dir, `portal-${db}-${n}.log`);
        log(`${db} ${n} failed: ${error}; the portal's log: ${logFile}`);
        log(readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n'));
        printTable(results);
        throw error;
      }
    }
  if (!options.keep) rmSync(dir, { recursive: true, force: true });
  printTable(results);
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
