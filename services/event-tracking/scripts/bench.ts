/**
 * Event tracking benchmark (not a test): starts the service (its `start` script, on a free port, with
 * `.state/infra.env`, on topics of its own `bench-<run>.events.*`) and a bare express hello-world, then with
 * autocannon for BENCH_DURATION_S each:
 *   1. batches of 100 anonymous events (BENCH_BATCH_CONNECTIONS connections): events/s and p50/p95/p99 of a POST;
 *   2. single-event POSTs and the bare express GET /hello (BENCH_CONNECTIONS connections): req/s side by side.
 * Then an independent consumer reads the topics from the beginning: every event acknowledged with 202 must be
 * there (0 lost); the only extra ones may be those of the requests in flight when autocannon stopped (their
 * 202 is never counted). The topics are deleted at the end.
 *
 *   yarn workspace @platform/event-tracking-service bench      # BENCH_DURATION_S=10 BENCH_CONNECTIONS=50
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { findRepoRoot, loadInfraEnv, stateRoot } from '@platform/local-infra';
import { freePort } from '@platform/service-kit/testing';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 20);
const BATCH_SIZE = 100;
const TYPES = ['click', 'view', 'cart', 'purchase'];

const root = findRepoRoot();
const run = randomBytes(4).toString('hex');
const prefix = `bench-${run}.events`;
const logDir = path.join(stateRoot(root), 'bench', 'logs', run);
fs.mkdirSync(logDir, { recursive: true });
const children: ChildProcess[] = [];

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Starts a process in its own group (yarn -> tsx -> node) so that it can be stopped as a whole. */
function startProcess(
  name: string,
  command: string[],
  env: Record<string, string>,
) {
  const log = path.join(logDir, `${name}.log`);
  const out = fs.openSync(log, 'w');
  const child = spawn(command[0], command.slice(1), {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  children.push(child);
  return { child, log };
}

async function waitFor(url: string, child: ChildProcess, log: string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${url} exited: ${fs.readFileSync(log, 'utf8')}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`${url} not ready within 90 s; see ${log}`);
}

function event(sessionId: string, i: number) {
  const type = TYPES[i % TYPES.length];
  return {
    sessionId,
    type,
    productId: `p${i % 50}`,
    ts: new Date().toISOString(),
    meta: { position: i % 10, source: 'bench' },
  };
}

interface Figures {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  status: Record<number, number>;
  errors: number;
}

async function measure(
  options: autocannon.Options,
  count2xx?: (status: number) => void,
): Promise<Figures> {
  // autocannon reports no p95: keep every latency and read the percentiles from them
  const latencies: number[] = [];
  const status: Record<number, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { duration: DURATION_S, ...options },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      status[statusCode] = (status[statusCode] ?? 0) + 1;
      count2xx?.(statusCode);
    });
  });
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[
      Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))
    ] ?? NaN;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: at(50),
    p95: at(95),
    p99: at(99),
    status,
    errors: result.errors + result.timeouts,
  };
}

/** Reads every event topic of the run from the beginning until `expected` records arrived or 60 s passed. */
async function readBack(kafka: Kafka, expected: number) {
  const consumer = kafka.consumer({ groupId: `bench-${run}` });
  const ids = new Set<string>();
  let records = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({
      topics: TYPES.map(t => `${prefix}.${t}`),
      fromBeginning: true,
    });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          records++;
          ids.add(JSON.parse(message.value!.toString()).eventId);
        }
      },
    });
    const deadline = Date.now() + 60_000;
    while (records < expected && Date.now() < deadline) await sleep(200);
    // a little longer, to see records beyond the acknowledged ones if there were any
    await sleep(1000);
  } finally {
    await consumer.disconnect();
  }
  return { records, uniqueEventIds: ids.size };
}

async function main() {
  const env = loadInfraEnv();
  const kafka = new Kafka({
    brokers: (env.KAFKA_BROKERS ?? process.env.KAFKA_BROKERS ?? '').split(','),
    clientId: 'event-tracking-bench',
    logLevel: logLevel.NOTHING,
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = startProcess('event-tracking', ['yarn', 'start'], {
    ...env,
    PORT: String(port),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    EVENTS_TOPIC_PREFIX: prefix,
  });
  const helloPort = await freePort();
  const hello = startProcess(
    'hello-express',
    [
      'node',
      '--import',
      'tsx',
      path.join(root, 'scripts/bench/hello-express.ts'),
    ],
    { PORT: String(helloPort) },
  );
  try {
    await waitFor(`${url}/readyz`, service.child, service.log);
    await waitFor(
      `http://127.0.0.1:${helloPort}/hello`,
      hello.child,
      hello.log,
    );

    const bodies = Array.from({ length: 20 }, () => {
      const sessionId = `bench-${randomUUID()}`;
      return JSON.stringify({
        events: Array.from({ length: BATCH_SIZE }, (_, i) =>
          event(sessionId, i),
        ),
      });
    });
    const headers = { 'content-type': 'application/json' };
    let acknowledgedBatches = 0;
    let acknowledgedSingles = 0;
    const batches = await measure(
      {
        url: `${url}/events`,
        connections: BATCH_CONNECTIONS,
        requests: bodies.map(body => ({ method: 'POST', headers, body })),
      },
      status => {
        if (status === 202) acknowledgedBatches++;
      },
    );
    const singles = await measure(
      {
        url: `${url}/events`,
        connections: CONNECTIONS,
        method: 'POST',
        headers,
        body: JSON.stringify(event(`bench-${randomUUID()}`, 0)),
      },
      status => {
        if (status === 202) acknowledgedSingles++;
      },
    );
    const bare = await measure({
      url: `http://127.0.0.1:${helloPort}/hello`,
      connections: CONNECTIONS,
    });

    const acknowledged = acknowledgedBatches * BATCH_SIZE + acknowledgedSingles;
    const readBackFigures = await readBack(kafka, acknowledged);
    const report = {
      run,
      durationSeconds: DURATION_S,
      batchesOf100: {
        connections: BATCH_CONNECTIONS,
        eventsPerSecond: Math.round(
          (acknowledgedBatches * BATCH_SIZE) / DURATION_S,
        ),
        ...batches,
      },
      singleEvent: { connections: CONNECTIONS, ...singles },
      bareExpressHello: { connections: CONNECTIONS, ...bare },
      singleToBareExpressRatio:
        Math.round((singles.requestsPerSecond / bare.requestsPerSecond) * 100) /
        100,
      kafka: {
        acknowledged,
        readBack: readBackFigures.records,
        uniqueEventIds: readBackFigures.uniqueEventIds,
        // requests still in flight when autocannon stopped reach Kafka without their 202 being counted:
        // at most one request per connection
        inKafkaUnacknowledged: readBackFigures.records - acknowledged,
        inFlightAtEndAtMost: BATCH_CONNECTIONS * BATCH_SIZE + CONNECTIONS,
        lost: Math.max(0, acknowledged - readBackFigures.uniqueEventIds),
        duplicates: readBackFigures.records - readBackFigures.uniqueEventIds,
      },
    };
    console.log(JSON.stringify(report, null, 2));
    const file = path.join(
      stateRoot(root),
      'bench',
      `event-tracking-${run}.json`,
    );
    fs.writeFileSync(file, JSON.stringify(report, null, 2));
    console.log(`written to ${file}`);
    if (
      report.kafka.lost !== 0 ||
      report.kafka.inKafkaUnacknowledged > report.kafka.inFlightAtEndAtMost
    )
      process.exitCode = 1;
  } finally {
    for (const child of children) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    const admin = kafka.admin();
    await admin.connect();
    await admin
      .deleteTopics({
        topics: TYPES.flatMap(t => [`${prefix}.${t}`, `${prefix}.${t}.dlq`]),
      })
      .catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch(error => {
  console.error(error);
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  process.exit(1);
});
