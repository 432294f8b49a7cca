/**
 * Feature store read benchmark (not a test): starts the service (its `start` script, on a free port, with
 * `.state/infra.env`, a Redis key prefix and topics of its own and a signing key of its own), writes features for
 * BENCH_USERS users through POST /features/{userId}, then runs autocannon on GET /features/{userId} over those
 * users at BENCH_CONNECTIONS connections for BENCH_DURATION_S and prints p50/p95/p99 and req/s. The keys and
 * topics are removed at the end.
 *
 *   yarn workspace @platform/feature-store-service bench     # BENCH_DURATION_S=10 BENCH_CONNECTIONS=50 BENCH_USERS=1000
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { findRepoRoot, loadInfraEnv, stateRoot } from '@platform/local-infra';
import { createJwtIssuer } from '@platform/service-kit';
import { freePort } from '@platform/service-kit/testing';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const USERS = Number(process.env.BENCH_USERS ?? 1000);

const root = findRepoRoot();
const run = `bench-${randomBytes(4).toString('hex')}`;
const logDir = path.join(stateRoot(root), 'bench', 'logs', run);
fs.mkdirSync(logDir, { recursive: true });
let child: ChildProcess | undefined;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function stopChild() {
  try {
    if (child?.pid) process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function waitReady(url: string, log: string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child?.exitCode !== null) throw new Error(`service exited: ${fs.readFileSync(log, 'utf8')}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`${url} not ready within 90 s; see ${log}`);
}

async function main() {
  const env = loadInfraEnv();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const keyPrefix = `feature-store_${run}:`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = path.join(logDir, 'feature-store.log');
  child = spawn('yarn', ['start'], {
    cwd: path.resolve(__dirname, '..'),
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      EVENTS_TOPIC_PREFIX: `${run}.events`,
      ORDERS_TOPIC: `${run}.orders`,
      PRODUCTS_TOPIC: `${run}.products`,
      FEATURE_CONSUMER_GROUP: run,
      FEATURE_KEY_PREFIX: keyPrefix,
      JWT_PUBLIC_KEY: publicKey,
    },
    stdio: ['ignore', fs.openSync(log, 'w'), fs.openSync(log, 'a')],
    detached: true,
  });
  const redis = new Redis(env.REDIS_URL);
  const kafka = new Kafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: run, logLevel: logLevel.NOTHING });
  try {
    await waitReady(url, log);
    const issuer = await createJwtIssuer({ privateKeyPem: privateKey, issuer: 'user-service', audience: 'platform', ttlSeconds: 3600 });
    const token = await issuer.sign({ sub: randomUUID(), roles: ['service'] });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const users = Array.from({ length: USERS }, () => randomUUID());
    for (const [row, user] of users.entries()) {
      const response = await fetch(`${url}/features/${user}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ embedding: { model: 'bench', version: '1', row } }),
      });
      if (response.status !== 200) throw new Error(`seeding answered ${response.status}`);
    }
    // a realistic hash: frequency days, recency and affinities next to the embedding
    const pipeline = redis.pipeline();
    const day = new Date().toISOString().slice(0, 10);
    for (const user of users) {
      pipeline.hset(`${keyPrefix}user:${user}`, {
        'last:view': Date.now(),
        'last:click': Date.now(),
        [`d:${day}:view`]: 5,
        [`d:${day}:click`]: 2,
        'aff:shoes': 7,
        'aff:books': 9,
        'money:cents': 1999,
        'money:orders': 1,
      });
    }
    await pipeline.exec();

    const latencies: number[] = [];
    const status: Record<number, number> = {};
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url,
          connections: CONNECTIONS,
          duration: DURATION_S,
          requests: users.slice(0, 200).map(user => ({ method: 'GET', path: `/features/${user}`, headers })),
        },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        latencies.push(responseTime);
        status[statusCode] = (status[statusCode] ?? 0) + 1;
      });
    });
    latencies.sort((a, b) => a - b);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    const report = {
      run,
      operation: 'GET /features/{userId}',
      connections: CONNECTIONS,
      durationSeconds: DURATION_S,
      users: USERS,
      requestsPerSecond: Math.round(result.requests.average),
      latencyMs: { p50: at(50), p95: at(95), p99: at(99) },
      status,
      errors: result.errors + result.timeouts,
    };
    console.log(JSON.stringify(report, null, 2));
    const file = path.join(stateRoot(root), 'bench', `feature-store-${run}.json`);
    fs.writeFileSync(file, JSON.stringify(report, null, 2));
    console.log(`written to ${file}`);
    if (report.errors > 0 || Object.keys(status).some(code => code !== '200')) process.exitCode = 1;
  } finally {
    stopChild();
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    const admin = kafka.admin();
    await admin.connect();
    const topics = ['click', 'view', 'cart', 'purchase'].map(t => `${run}.events.${t}`).concat(`${run}.orders`, `${run}.products`);
    await admin.deleteGroups([run]).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch(error => {
  console.error(error);
  stopChild();
  process.exit(1);
});
