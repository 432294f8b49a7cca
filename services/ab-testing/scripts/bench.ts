/**
 * Decision benchmark (not a test): starts the service (its `start` script, on a free port, with `.state/infra.env`,
 * a database of its own and a signing key of its own) and the bare express hello-world of scripts/bench, creates
 * and starts a 90/10 experiment, then measures with autocannon, one after another at BENCH_CONNECTIONS connections
 * for BENCH_DURATION_S each:
 *
 *   - hello-express            GET /hello (the baseline: what express alone costs on this machine now)
 *   - decision (returning)     GET /experiments/{key}/decision for BENCH_USERS users already assigned (the hot path:
 *                              experiment and assignment from memory, no database)
 *   - decision (first)         the same for users never seen (a read and an INSERT per request)
 *
 * and prints req/s, p50/p95/p99 and the ratio to bare express; the figures go to .state/bench/. The database is
 * dropped at the end.
 *
 *   yarn workspace @platform/ab-testing-service bench    # BENCH_DURATION_S=10 BENCH_CONNECTIONS=50 BENCH_USERS=1000
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRepoRoot, loadInfraEnv, stateRoot } from '@platform/local-infra';
import { createJwtIssuer, dropDatabase } from '@platform/service-kit';
import { freePort } from '@platform/service-kit/testing';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const USERS = Number(process.env.BENCH_USERS ?? 1000);

const root = findRepoRoot();
const run = randomBytes(4).toString('hex');
const database = `ab_testing_bench_${run}`;
const logDir = path.join(stateRoot(root), 'bench', 'logs', `ab-testing-${run}`);
fs.mkdirSync(logDir, { recursive: true });
const children: ChildProcess[] = [];

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function stopChildren() {
  for (const child of children) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const log = path.join(logDir, `${name}.log`);
  const child = spawn('yarn', args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', fs.openSync(log, 'w'), fs.openSync(log, 'a')],
    detached: true,
  });
  children.push(child);
  return { child, log };
}

async function waitUntil(url: string, started: { child: ChildProcess; log: string }) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`process exited: ${fs.readFileSync(started.log, 'utf8')}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`${url} not ready within 90 s; see ${started.log}`);
}

interface Measurement {
  name: string;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  non2xx: number;
  errors: number;
  ratioToBareExpress?: number;
}

async function measure(name: string, options: autocannon.Options): Promise<Measurement> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Math.round(100 * (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN)) / 100;
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: at(50), p95: at(95), p99: at(99) },
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function main() {
  const infra = loadInfraEnv();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const [servicePort, helloPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${servicePort}`;
  const helloUrl = `http://127.0.0.1:${helloPort}`;
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
  const abTesting = startProcess(
    'ab-testing',
    ['start'],
    { ...infra, PORT: String(servicePort), LOG_LEVEL: logLevel, AB_TESTING_DATABASE: database, JWT_PUBLIC_KEY: publicKey },
    path.resolve(__dirname, '..'),
  );
  const hello = startProcess(
    'hello-express',
    ['tsx', path.join(root, 'scripts/bench/hello-express.ts')],
    { PORT: String(helloPort) },
    path.resolve(__dirname, '..'),
  );
  try {
    await Promise.all([waitUntil(`${url}/readyz`, abTesting), waitUntil(`${helloUrl}/hello`, hello)]);
    const issuer = await createJwtIssuer({ privateKeyPem: privateKey, issuer: 'user-service', audience: 'platform', ttlSeconds: 3600 });
    const admin = { 'content-type': 'application/json', authorization: `Bearer ${await issuer.sign({ sub: randomUUID(), roles: ['admin'] })}` };
    const service = { authorization: `Bearer ${await issuer.sign({ sub: 'bench', roles: ['service'] })}` };
    const key = `bench-${run}`;
    const post = async (p: string, body: unknown) => {
      const res = await fetch(`${url}${p}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
    };
    await post('/experiments', {
      key,
      name: 'Benchmark',
      owner: 'group:personalization-team',
      kind: 'model',
      model: 'recommendation-ranker',
      variants: [
        { name: 'control', weight: 90, modelAlias: 'champion' },
        { name: 'treatment', weight: 10, modelAlias: 'challenger' },
      ],
    });
    await post(`/experiments/${key}/start`, { reason: 'benchmark' });
    const users = Array.from({ length: USERS }, () => randomUUID());
    for (const user of users) {
      const res = await fetch(`${url}/experiments/${key}/decision?userId=${user}`, { headers: service });
      if (res.status !== 200) throw new Error(`warm-up decision answered ${res.status}`);
    }

    const bare = await measure('hello-express GET /hello', { url: `${helloUrl}/hello` });
    const returning = await measure('decision, returning users (memory)', {
      url,
      requests: users.map(user => ({ method: 'GET', path: `/experiments/${key}/decision?userId=${user}`, headers: service })),
    });
    const first = await measure('decision, first-time users (read + INSERT)', {
      url,
      requests: [
        {
          method: 'GET',
          headers: service,
          setupRequest: req => ({ ...req, path: `/experiments/${key}/decision?userId=${randomUUID()}` }),
        },
      ],
    });
    for (const m of [returning, first]) m.ratioToBareExpress = Math.round((100 * m.requestsPerSecond) / bare.requestsPerSecond) / 100;
    const report = {
      run,
      connections: CONNECTIONS,
      durationSeconds: DURATION_S,
      users: USERS,
      machine: { cpus: os.cpus().length, loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100 },
      measurements: [bare, returning, first],
    };
    console.table(
      report.measurements.map(m => ({
        name: m.name,
        'req/s': m.requestsPerSecond,
        'p50 ms': m.latencyMs.p50,
        'p95 ms': m.latencyMs.p95,
        'p99 ms': m.latencyMs.p99,
        'x bare express': m.ratioToBareExpress ?? 1,
        'non-2xx': m.non2xx,
        errors: m.errors,
      })),
    );
    console.log(`load average (1 min) at the end: ${report.machine.loadAverage1m} on ${report.machine.cpus} CPUs`);
    const file = path.join(stateRoot(root), 'bench', `ab-testing-${run}.json`);
    fs.writeFileSync(file, JSON.stringify(report, null, 2));
    console.log(`written to ${file}`);
    if (report.measurements.some(m => m.errors > 0 || m.non2xx > 0)) process.exitCode = 1;
  } finally {
    stopChildren();
    await sleep(1_000);
    await dropDatabase(infra.DATABASE_URL, database).catch(error => console.error(`could not drop ${database}: ${error}`));
  }
}

main().catch(error => {
  console.error(error);
  stopChildren();
  process.exit(1);
});
