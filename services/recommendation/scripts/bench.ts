/**
 * Recommendation benchmark (not a test). Registers a model of 10,000 items x 32 factors (BENCH_ITEMS, BENCH_FACTORS;
 * 5,000 users) in the real MLflow under a name of its own, starts the recommendation service and the API gateway
 * (each through its `start` script, on free ports, with `.state/infra.env`) and a bare express hello-world, then
 * measures with autocannon (BENCH_CONNECTIONS=50, BENCH_DURATION_S=10 each) GET /recommendations straight to the
 * service, the same through the gateway, and the bare express baseline (measured before and after; the ratios use
 * the mean), each with the CPU time the service (and the gateway) spent per request (process_cpu_seconds_total
 * before and after) and the load average. Requests cycle through all BENCH_USERS users (nothing is cached per user:
 * every request is scored). Then the in-process scoring time per request (dot products + top-20 + availability
 * filter; mean, p99) of the WebAssembly scorer the service uses and of the typed-array loop, and their agreement.
 *
 *   yarn workspace @platform/recommendation-service bench
 *   BENCH_PORT_BASE=4300 BENCH_CPU_PROF=1 yarn workspace @platform/recommendation-service bench
 *
 * Everything it creates is its own and removed at the end: the MLflow registered model bench-recommendation-<run>,
 * Kafka topics bench-rec-<run>.*, Redis keys bench:<run>:* (gateway limiter) and bench-rec-<run>:* (features).
 * The gateway runs with the shipped route table except for rate limits raised out of the way (one client would
 * otherwise measure 429s); the limiter's Redis round trips are still paid on every request. Requests carry
 * X-Exp-Variant: control, so the gateway makes no A/B call.
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { parse, stringify } from 'yaml';
import { findRepoRoot, loadInfraEnv, stateRoot } from '@platform/local-infra';
import { createJwtIssuer } from '@platform/service-kit';
import { freePort } from '@platform/service-kit/testing';
import { ModelRegistryFixture, modelFiles } from '../src/__testUtils__/modelFixture';
import { parseModel } from '../src/model/artifact';
import { DotScorer } from '../src/model/DotScorer';
import { rankByDot, userVector } from '../src/model/scoring';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const FACTORS = Number(process.env.BENCH_FACTORS ?? 32);
const USERS = Number(process.env.BENCH_USERS ?? 5_000);
const TOP_K = 20;
/**
 * the users the requests cycle through: autocannon renders each distinct request once per connection before the
 * run (50 x 5,000 renders cost about 4 s of the shared CPUs), and nothing is cached per user, so 500 load the
 * service exactly as 5,000 do
 */
const REQUEST_USERS = Number(process.env.BENCH_REQUEST_USERS ?? 500);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
/** BENCH_PORT_BASE=4300: the bench's servers on 4300 (hello), 4301 (service), 4302 (gateway), 4303 (JWKS); default ephemeral */
const PORT_BASE = process.env.BENCH_PORT_BASE ? Number(process.env.BENCH_PORT_BASE) : undefined;
/** BENCH_CPU_PROF=1: the service and the gateway run under node --cpu-prof, profiles in the run's log folder (.state/bench/logs/<run>) */
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const portOf = (offset: number) => (PORT_BASE === undefined ? freePort() : Promise.resolve(PORT_BASE + offset));

const root = findRepoRoot();
const run = randomBytes(4).toString('hex');
const benchDir = path.join(stateRoot(root), 'bench');
const logDir = path.join(benchDir, 'logs', run);
fs.mkdirSync(logDir, { recursive: true });
const children: ChildProcess[] = [];
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A small deterministic generator (mulberry32): the same model every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function benchModel() {
  const next = random(42);
  const vector = () => Array.from({ length: FACTORS }, () => (next() - 0.5) / Math.sqrt(FACTORS));
  const items: Record<string, number[]> = {};
  for (let i = 0; i < ITEMS; i++) items[`p${i}`] = vector();
  const users: Record<string, number[]> = {};
  for (let u = 0; u < USERS; u++) users[randomUUID()] = vector();
  return { items, users, popularity: Object.keys(items) };
}

/**
 * A workspace's server through its `start` script; with BENCH_CPU_PROF=1 its entry file straight under
 * `node --cpu-prof --import tsx` instead (one process, so SIGTERM reaches it and it writes its profile on exit).
 */
function startServer(name: string, workspace: string, entry: string, env: Record<string, string>) {
  if (!CPU_PROF) return startProcess(name, ['yarn', 'workspace', workspace, 'start'], env);
  return startProcess(name, ['node', '--cpu-prof', `--cpu-prof-dir=${path.join(logDir, `${name}.cpuprofiles`)}`, '--import', 'tsx', path.join(root, entry)], env);
}

function startProcess(name: string, command: string[], env: Record<string, string>) {
  const log = path.join(logDir, `${name}.log`);
  const out = fs.openSync(log, 'w');
  const child = spawn(command[0], command.slice(1), { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
  children.push(child);
  return { child, log };
}

async function waitReady(name: string, child: ChildProcess, log: string, url: string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`${name} not ready within 120 s; see ${log}`);
}

interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU time (user + system) of each measured process divided by the requests answered, in ms */
  cpuMsPerRequest: Record<string, number>;
  /** 1-minute load average when the measurement ended */
  loadAverage: number;
  ratio?: number;
}

/** process_cpu_seconds_total of a kit service (its /metrics), in seconds */
async function cpuSeconds(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return Number(text.split('\n').find(l => l.startsWith('process_cpu_seconds_total'))?.split(' ').pop() ?? NaN);
}

async function measure(
  name: string,
  url: string,
  headers: Record<string, string> = {},
  paths?: string[],
  cpuOf: Record<string, string> = {},
): Promise<Measurement> {
  // autocannon has p97.5 and p99 but no p95: keep every latency
  const latencies: number[] = [];
  const cpuBefore = await Promise.all(Object.values(cpuOf).map(cpuSeconds));
  // the load generator (this process) shares the CPUs with what it measures: its own CPU per request too
  const clientBefore = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: DURATION_S,
        headers,
        // fixed requests are rendered once each and reused; a setupRequest would render every request again (and
        // clone the context): twice the load generator's CPU per request, taken from the servers it measures
        ...(paths ? { requests: paths.map(requestPath => ({ path: requestPath })) } : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const client = process.cpuUsage(clientBefore);
  const cpuAfter = await Promise.all(Object.values(cpuOf).map(cpuSeconds));
  const answered = result.requests.total;
  const cpuMsPerRequest = {
    ...Object.fromEntries(Object.keys(cpuOf).map((label, at) => [label, ((cpuAfter[at] - cpuBefore[at]) * 1000) / answered])),
    client: (client.user + client.system) / 1000 / answered,
  };
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: at(50),
    p95: at(95),
    p99: at(99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuMsPerRequest,
    loadAverage: os.loadavg()[0],
  };
}

function printTable(rows: Measurement[]) {
  const header = ['target', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', 'req/s ratio to bare express', 'CPU ms/request', 'load avg'];
  const lines = rows.map(r => [
    r.name,
    String(r.requestsPerSecond),
    r.p50.toFixed(2),
    r.p95.toFixed(2),
    r.p99.toFixed(2),
    String(r.non2xx),
    String(r.errors),
    r.ratio === undefined ? '-' : r.ratio.toFixed(2),
    Object.entries(r.cpuMsPerRequest).map(([label, ms]) => `${label} ${ms.toFixed(3)}`).join(', ') || '-',
    r.loadAverage.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map(l => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(format(header));
  console.log(widths.map(w => '-'.repeat(w)).join('  '));
  lines.forEach(l => console.log(format(l)));
}

interface ScoringTimes {
  mean: number;
  p50: number;
  p99: number;
  n: number;
}

/**
 * Scoring in this process: the same code and files the service loads, per request as the service does it (the
 * WebAssembly scorer the service uses, and the typed-array loop it replaced), and how often the two agree.
 */
async function inProcessScoring(files: ReturnType<typeof modelFiles>) {
  const model = parseModel('bench', '1', files);
  const scorer = await DotScorer.create();
  scorer.prepare(model);
  const unavailable = new Set(Array.from({ length: 100 }, (_, i) => `p${i * 97}`));
  const excluded = (id: string) => unavailable.has(id);
  const time = (rank: (user: Float32Array) => unknown): ScoringTimes => {
    const next = random(7);
    const times: number[] = [];
    for (let i = 0; i < 6_000; i++) {
      const row = Math.floor(next() * model.users);
      const started = process.hrtime.bigint();
      rank(userVector(model, row));
      if (i >= 1_000) times.push(Number(process.hrtime.bigint() - started) / 1e6); // the first 1,000 warm the JIT
    }
    times.sort((a, b) => a - b);
    return { mean: times.reduce((a, b) => a + b, 0) / times.length, p50: times[Math.floor(times.length * 0.5)], p99: times[Math.floor(times.length * 0.99)], n: times.length };
  };
  const wasm = time(user => scorer.rank(model, user, TOP_K, excluded));
  const loop = time(user => rankByDot(model, user, TOP_K, excluded));
  // float32 accumulation (WebAssembly) against float64 (the loop): near-ties may swap places
  let sameList = 0;
  let found = 0;
  for (let row = 0; row < model.users; row++) {
    const user = userVector(model, row);
    const reference = rankByDot(model, user, TOP_K, excluded).map(s => s.productId);
    const ranked = scorer.rank(model, user, TOP_K, excluded).map(s => s.productId);
    if (ranked.join() === reference.join()) sameList++;
    const wanted = new Set(reference);
    found += ranked.filter(id => wanted.has(id)).length;
  }
  return { wasm, loop, agreement: { users: model.users, identicalLists: sameList / model.users, recallAtK: found / (model.users * TOP_K) } };
}

async function main() {
  const infra = loadInfraEnv();
  const names = {
    model: `bench-recommendation-${run}`,
    topicPrefix: `bench-rec-${run}`,
    group: `bench-rec-${run}`,
    featurePrefix: `bench-rec-${run}:`,
  };
  const registry = new ModelRegistryFixture(infra.MLFLOW_TRACKING_URI, names.model);
  const spec = benchModel();
  const userIds = Object.keys(spec.users);
  const files = modelFiles(spec);
  let jwks: http.Server | undefined;
  try {
    console.log(`registering ${names.model}: ${ITEMS} items x ${FACTORS} factors, ${USERS} users`);
    const version = await registry.register(files);
    await registry.setAlias('champion', version);

    const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const issuer = await createJwtIssuer({ privateKeyPem: privateKey, issuer: 'user-service', audience: 'platform', ttlSeconds: 3600 });
    const document = JSON.stringify(await issuer.jwks());
    jwks = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(document));
    const jwksPort = await portOf(3);
    await new Promise<void>(resolve => jwks!.listen(jwksPort, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;

    const helloPort = await portOf(0);
    const hello = startProcess('hello-express', ['node', '--import', 'tsx', path.join(root, 'scripts/bench/hello-express.ts')], { PORT: String(helloPort) });
    const helloUrl = `http://127.0.0.1:${helloPort}`;

    const recPort = await portOf(1);
    const recUrl = `http://127.0.0.1:${recPort}`;
    const rec = startServer('recommendation-service', '@platform/recommendation-service', 'services/recommendation/src/index.ts', {
      ...infra,
      NODE_ENV: 'production',
      PORT: String(recPort),
      LOG_LEVEL,
      MODEL_NAME: names.model,
      PRODUCTS_TOPIC: `${names.topicPrefix}.products`,
      EVENTS_TOPIC_PREFIX: `${names.topicPrefix}.events`,
      RECOMMENDATION_CONSUMER_GROUP_PREFIX: names.group,
      FEATURE_KEY_PREFIX: names.featurePrefix,
      JWT_PUBLIC_KEY: publicKey,
    });

    const table = parse(fs.readFileSync(path.join(root, 'services/api-gateway/routes.yaml'), 'utf8'));
    for (const limits of Object.values(table.rateLimitClasses) as Array<Record<string, any>>) {
      limits.perUser.points = 1_000_000_000;
      limits.perIp.points = 1_000_000_000;
      limits.dailyQuota = { perUser: 1_000_000_000, perIp: 1_000_000_000 };
    }
    const routesFile = path.join(benchDir, `recommendation-routes-${run}.yaml`);
    fs.writeFileSync(routesFile, stringify(table));
    const gatewayPort = await portOf(2);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const gateway = startServer('api-gateway', '@platform/api-gateway', 'services/api-gateway/src/main.ts', {
      ...infra,
      NODE_ENV: 'production',
      PORT: String(gatewayPort),
      LOG_LEVEL,
      GATEWAY_ROUTES_FILE: routesFile,
      RATE_LIMIT_PREFIX: `bench:${run}`,
      JWKS_URL: jwksUrl,
      RECOMMENDATION_SERVICE_URL: recUrl,
    });

    await waitReady('hello-express', hello.child, hello.log, `${helloUrl}/hello`);
    await waitReady('recommendation-service', rec.child, rec.log, `${recUrl}/readyz`);
    await waitReady('api-gateway', gateway.child, gateway.log, `${gatewayUrl}/readyz`);

    const bearer = await issuer.sign({ sub: 'bench', roles: ['service'] });
    const headers = { authorization: `Bearer ${bearer}`, 'x-exp-variant': 'control' };
    const paths = userIds.slice(0, REQUEST_USERS).map(u => `/recommendations?userId=${u}&topK=${TOP_K}`);
    const probe = await fetch(`${gatewayUrl}${paths[0]}`, { headers });
    if (!probe.ok) throw new Error(`the gateway answered ${probe.status}: ${await probe.text()}`);

    console.log(
      `run ${run}: ${CONNECTIONS} connections, ${DURATION_S} s per target, ${ITEMS} items x ${FACTORS}, top-${TOP_K}, ` +
        `${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} (a CI run may share the machine)`,
    );
    for (const url of [`${helloUrl}/hello`, `${recUrl}${paths[0]}`, `${gatewayUrl}${paths[0]}`]) {
      await new Promise(resolve => autocannon({ url, connections: 10, duration: 2, headers }, resolve));
    }
    const rows: Measurement[] = [];
    rows.push(await measure('bare express GET /hello', `${helloUrl}/hello`));
    const serviceCpu = { service: `${recUrl}/metrics` };
    rows.push(await measure('recommendation direct GET /recommendations', recUrl, headers, paths, serviceCpu));
    rows.push(await measure('gateway -> recommendation GET /recommendations', gatewayUrl, headers, paths, { ...serviceCpu, gateway: `${gatewayUrl}/metrics` }));
    rows.push(await measure('bare express GET /hello (again)', `${helloUrl}/hello`));
    const baseline = (rows[0].requestsPerSecond + rows[3].requestsPerSecond) / 2;
    rows.forEach(r => (r.ratio = r.requestsPerSecond / baseline));
    const scoring = await inProcessScoring(files);
    const serviceMetrics = await (await fetch(`${recUrl}/metrics`)).text();
    const histogram = (suffix: string) =>
      Number(serviceMetrics.split('\n').find(l => l.startsWith(`recommendation_scoring_duration_seconds_${suffix}{`) && l.includes('operation="dot"'))?.split(' ').pop() ?? NaN);

    console.log('');
    printTable(rows);
    console.log('');
    const line = (what: string, t: ScoringTimes) =>
      console.log(`  ${what}: mean ${t.mean.toFixed(3)} ms, p50 ${t.p50.toFixed(3)} ms, p99 ${t.p99.toFixed(3)} ms (${t.n} requests)`);
    console.log(`in-process scoring per request (${ITEMS} x ${FACTORS} dot products, top-${TOP_K}, 100 unavailable products):`);
    line('WebAssembly SIMD (served)', scoring.wasm);
    line('typed-array loop (before)', scoring.loop);
    console.log(
      `  agreement over ${scoring.agreement.users} users: identical top-${TOP_K} lists ${(scoring.agreement.identicalLists * 100).toFixed(2)}%, ` +
        `recall@${TOP_K} ${(scoring.agreement.recallAtK * 100).toFixed(2)}%`,
    );
    console.log(`the service's own scoring histogram during the run: mean ${((histogram('sum') / histogram('count')) * 1000).toFixed(3)} ms over ${histogram('count')} requests`);
    const [, direct, gatewayRow] = rows;
    const goals = [
      { goal: 'P95 direct <= 15 ms', value: direct.p95, met: direct.p95 <= 15 },
      { goal: 'P95 through the gateway <= 25 ms', value: gatewayRow.p95, met: gatewayRow.p95 <= 25 },
      { goal: 'in-process scoring mean <= 1 ms', value: scoring.wasm.mean, met: scoring.wasm.mean <= 1 },
    ];
    console.log(`\ngoals (every request scored, nothing cached per user: there is no warm case; load average ${os.loadavg()[0].toFixed(1)}):`);
    for (const g of goals) console.log(`  ${g.goal}: ${g.value.toFixed(3)} ms, ${g.met ? 'met' : 'NOT met'}`);
    console.log(
      `  closed loop: mean latency ~ ${CONNECTIONS} connections / throughput, so P95 <= 15 ms direct needs more than ${Math.round((CONNECTIONS / 15) * 1000)} req/s ` +
        `(a P95 above the mean needs more), i.e. under ${(15 / CONNECTIONS).toFixed(2)} ms of service CPU per request (this run: ${direct.cpuMsPerRequest.service.toFixed(3)} ms)`,
    );
    const report = { run, at: new Date().toISOString(), connections: CONNECTIONS, durationS: DURATION_S, items: ITEMS, factors: FACTORS, loadAverage: os.loadavg(), rows, scoring, goals };
    fs.writeFileSync(path.join(benchDir, `recommendation-${run}.json`), JSON.stringify(report, null, 2));
    console.log(`\nfigures written to ${path.join(benchDir, `recommendation-${run}.json`)}`);
  } finally {
    for (const child of children) {
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    }
    // each drains and leaves its consumer group (and writes its CPU profile) before the topics go
    const exited = (child: ChildProcess) => (child.exitCode !== null ? Promise.resolve() : new Promise(resolve => child.once('exit', resolve)));
    await Promise.race([Promise.all(children.map(exited)), sleep(30_000)]);
    jwks?.close();
    await registry.remove();
    const redis = new Redis(infra.REDIS_URL, { lazyConnect: true });
    try {
      await redis.connect();
      const keys = [...(await redis.keys(`bench:${run}:*`)), ...(await redis.keys(`${names.featurePrefix}*`))];
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const admin = new Kafka({ brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    try {
      await admin.connect();
      const ours = (await admin.listTopics()).filter(t => t.startsWith(`${names.topicPrefix}.`));
      if (ours.length) await admin.deleteTopics({ topics: ours });
    } catch (e) {
      console.warn(`could not delete the bench topics: ${(e as Error).message}`);
    } finally {
      await admin.disconnect();
    }
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
