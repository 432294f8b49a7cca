/**
 * Gateway benchmark (not a test): starts the API gateway, the product and search services (each through its
 * `start` script, on free ports, with `.state/infra.env`) and a bare express hello-world, seeds products, then
 * measures with autocannon (50 connections, 10 s each) product listing and search THROUGH the gateway, the same
 * calls straight to the services, and the bare express baseline. Prints req/s, p50/p95/p99 and the ratio to bare
 * express; writes the figures to .state/bench/.
 *
 *   yarn bench:gateway                       # BENCH_DURATION_S=10 BENCH_CONNECTIONS=50 BENCH_LOG_LEVEL=warn
 *
 * Everything it creates is its own: databases bench_*_<run>, Kafka topic bench.products.<run>, Redis keys
 * bench:<run>:*; they are removed at the end. The gateway runs with the shipped route table except for rate
 * limits raised out of the way (a benchmark from one IP would otherwise measure 429s); the Redis round trips of
 * the limiter are still paid on every request.
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { parse, stringify } from 'yaml';
import { findRepoRoot, loadInfraEnv, stateRoot } from '@platform/local-infra';
import { freePort } from '@platform/service-kit/testing';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 1000);

const root = findRepoRoot();
const run = randomBytes(4).toString('hex');
const benchDir = path.join(stateRoot(root), 'bench');
const logDir = path.join(benchDir, 'logs', run);
fs.mkdirSync(logDir, { recursive: true });

interface Started {
  name: string;
  url: string;
  child: ChildProcess;
}

interface Measurement {
  name: string;
  url: string;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
  ratioToBareExpress?: number;
}

const missing: string[] = [];
const children: ChildProcess[] = [];

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function tail(file: string, lines = 15): string {
  if (!fs.existsSync(file)) return '(no log)';
  return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
}

/** Starts `command` in its own process group (yarn -> tsx -> node), logging to .state/bench/logs/<run>/<name>.log. */
function startProcess(name: string, command: string[], env: Record<string, string>): { child: ChildProcess; log: string } {
  const log = path.join(logDir, `${name}.log`);
  const out = fs.openSync(log, 'w');
  const child = spawn(command[0], command.slice(1), {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  children.push(child);
  return { child, log };
}

async function waitUntilReady(name: string, child: ChildProcess, log: string, url: string, probe = '/readyz'): Promise<boolean> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      missing.push(`${name} exited with ${child.exitCode} before it was ready:\n${tail(log)}`);
      return false;
    }
    try {
      if ((await fetch(`${url}${probe}`)).ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  missing.push(`${name} was not ready within 90 s:\n${tail(log)}`);
  return false;
}

async function startService(name: string, workspace: string, env: Record<string, string>): Promise<Started | undefined> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, log } = startProcess(name, ['yarn', 'workspace', workspace, 'start'], { ...env, PORT: String(port), LOG_LEVEL: LOG_LEVEL });
  return (await waitUntilReady(name, child, log, url)) ? { name, url, child } : undefined;
}

async function measure(name: string, url: string): Promise<Measurement> {
  // autocannon reports p97.5 and p99 but no p95: keep every latency and read the percentiles from them
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: DURATION_S }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const m: Measurement = {
    name,
    url,
    requestsPerSecond: Math.round(result.requests.average),
    p50: at(50),
    p95: at(95),
    p99: at(99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  return m;
}

/** A copy of the shipped route table whose limits cannot be reached by one benchmarking client. */
function benchRouteTable(): string {
  const table = parse(fs.readFileSync(path.join(root, 'services/api-gateway/routes.yaml'), 'utf8'));
  for (const limits of Object.values(table.rateLimitClasses) as Array<Record<string, any>>) {
    limits.perUser.points = 1_000_000_000;
    limits.perIp.points = 1_000_000_000;
    limits.dailyQuota = { perUser: 1_000_000_000, perIp: 1_000_000_000 };
  }
  const file = path.join(benchDir, `routes-${run}.yaml`);
  fs.writeFileSync(file, stringify(table));
  return file;
}

async function waitForSearchIndex(url: string, expected: number): Promise<number> {
  const deadline = Date.now() + 120_000;
  let total = 0;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/search?limit=1`);
      if (res.ok) total = ((await res.json()) as { total: number }).total;
      if (total >= expected) return total;
    } catch {
      // keep waiting
    }
    await sleep(500);
  }
  return total;
}

async function cleanUp(infra: Record<string, string>, names: { mongo: string; search: string; topic: string; group: string }) {
  for (const child of children) {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  await sleep(1500);
  const mongo = new MongoClient(infra.MONGODB_URI);
  try {
    await mongo.connect();
    await mongo.db(names.mongo).dropDatabase();
  } catch (e) {
    console.warn(`could not drop MongoDB database ${names.mongo}: ${(e as Error).message}`);
  } finally {
    await mongo.close();
  }
  const pg = new Client({ connectionString: infra.DATABASE_URL });
  try {
    await pg.connect();
    await pg.query(`drop database if exists "${names.search}" with (force)`);
  } catch (e) {
    console.warn(`could not drop PostgreSQL database ${names.search}: ${(e as Error).message}`);
  } finally {
    await pg.end();
  }
  const redis = new Redis(infra.REDIS_URL, { lazyConnect: true });
  try {
    await redis.connect();
    const keys = await redis.keys(`bench:${run}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
  const admin = new Kafka({ brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const existing = await admin.listTopics();
    const ours = [names.topic, `${names.topic}.dlq`].filter(t => existing.includes(t));
    if (ours.length) await admin.deleteTopics({ topics: ours });
    await admin.deleteGroups([names.group]).catch(() => undefined);
  } catch (e) {
    console.warn(`could not delete Kafka topic ${names.topic}: ${(e as Error).message}`);
  } finally {
    await admin.disconnect();
  }
}

function printTable(rows: Measurement[]) {
  const header = ['target', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', 'ratio to bare express'];
  const lines = rows.map(r => [
    r.name,
    String(r.requestsPerSecond),
    r.p50.toFixed(2),
    r.p95.toFixed(2),
    r.p99.toFixed(2),
    String(r.non2xx),
    String(r.errors),
    r.ratioToBareExpress === undefined ? '-' : r.ratioToBareExpress.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map(l => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(format(header));
  console.log(widths.map(w => '-'.repeat(w)).join('  '));
  lines.forEach(l => console.log(format(l)));
}

async function main() {
  const infra = loadInfraEnv();
  const names = {
    mongo: `bench_products_${run}`,
    search: `bench_search_${run}`,
    topic: `bench.products.${run}`,
    group: `bench-search-${run}`,
  };
  const common = { ...infra, NODE_ENV: 'production' };
  const results: Measurement[] = [];
  try {
    const helloPort = await freePort();
    const hello = startProcess('hello-express', ['node', '--import', 'tsx', path.join(__dirname, 'hello-express.ts')], { PORT: String(helloPort) });
    const helloUrl = `http://127.0.0.1:${helloPort}`;
    const helloReady = await waitUntilReady('hello-express', hello.child, hello.log, helloUrl, '/hello');

    const product = await startService('product-service', '@platform/product-service', {
      ...common,
      MONGODB_DATABASE: names.mongo,
      PRODUCTS_TOPIC: names.topic,
    });
    const search = await startService('search-service', '@platform/search-service', {
      ...common,
      SEARCH_DATABASE: names.search,
      PRODUCTS_TOPIC: names.topic,
      SEARCH_CONSUMER_GROUP: names.group,
    });
    const gateway = await startService('api-gateway', '@platform/api-gateway', {
      ...common,
      GATEWAY_ROUTES_FILE: benchRouteTable(),
      RATE_LIMIT_PREFIX: `bench:${run}`,
      ...(product ? { PRODUCT_SERVICE_URL: product.url } : {}),
      ...(search ? { SEARCH_SERVICE_URL: search.url } : {}),
    });

    if (product) {
      const seed = startProcess('seed', ['yarn', 'workspace', '@platform/product-service', 'seed', String(PRODUCTS)], {
        ...infra,
        MONGODB_DATABASE: names.mongo,
      });
      const code = await new Promise<number | null>(resolve => seed.child.once('exit', resolve));
      if (code !== 0) missing.push(`seeding products failed (exit ${code}):\n${tail(seed.log)}`);
      if (search) {
        const indexed = await waitForSearchIndex(search.url, PRODUCTS);
        if (indexed < PRODUCTS) missing.push(`search indexed ${indexed} of ${PRODUCTS} products within 120 s`);
      }
    }

    if (!helloReady) throw new Error('the bare express baseline did not start; nothing to compare with');
    console.log(
      `run ${run}: ${CONNECTIONS} connections, ${DURATION_S} s per target, services logging at ${LOG_LEVEL}, ${PRODUCTS} products, ` +
        `${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
    );
    // a short warm-up of each path so JIT and connection pools are not measured
    const targets: Array<[string, string]> = [['bare express GET /hello', `${helloUrl}/hello`]];
    if (gateway && product) targets.push(['gateway -> product GET /products?limit=20', `${gateway.url}/products?limit=20`]);
    if (product) targets.push(['product direct GET /products?limit=20', `${product.url}/products?limit=20`]);
    if (gateway && search) targets.push(['gateway -> search GET /search?q=lamp', `${gateway.url}/search?q=lamp`]);
    if (search) targets.push(['search direct GET /search?q=lamp', `${search.url}/search?q=lamp`]);
    for (const [, url] of targets) {
      await new Promise(resolve => autocannon({ url, connections: 10, duration: 2 }, resolve));
    }
    const measured: Measurement[] = [];
    for (const [name, url] of targets) {
      const m = await measure(name, url);
      measured.push(m);
      console.log(`  measured ${name}: ${m.requestsPerSecond} req/s`);
    }
    // the machine is shared: the baseline is measured again at the end and the ratios use the mean of both
    const again = await measure('bare express GET /hello (again)', `${helloUrl}/hello`);
    console.log(`  measured ${again.name}: ${again.requestsPerSecond} req/s`);
    const baseline = (measured[0].requestsPerSecond + again.requestsPerSecond) / 2;
    for (const m of [...measured, again]) {
      m.ratioToBareExpress = Number((m.requestsPerSecond / baseline).toFixed(3));
      results.push(m);
    }
  } finally {
    await cleanUp(infra, names);
  }

  console.log('');
  printTable(results);
  console.log(`(ratio = req/s / mean of the two bare express runs; load average at the end ${os.loadavg()[0].toFixed(1)})`);
  if (missing.length) {
    console.log('\nNot measured, because:');
    missing.forEach(m => console.log(`- ${m}`));
  }
  const file = path.join(benchDir, `gateway-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      { run, connections: CONNECTIONS, durationSeconds: DURATION_S, logLevel: LOG_LEVEL, products: PRODUCTS, cpus: os.cpus().length, results, missing },
      null,
      2,
    ),
  );
  console.log(`\nfigures written to ${path.relative(root, file)}; service logs in ${path.relative(root, logDir)}`);
}

main().catch(error => {
  console.error(error);
  for (const child of children) {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  }
  process.exit(1);
});
