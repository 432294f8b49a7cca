/**
 * Broker restart during ingest (a benchmark, not a test; it lives with the lake it checks end to end). It starts its own single-node KRaft broker (the jars
 * `yarn infra` installed under `.state/infra/kafka/libs`, the repo's `infra/local/kafka/server.properties`, a
 * data dir under a temp dir, ports 4490/4491), so the operator's broker is never touched; the event tracking
 * service in-process on :4492 against it; and the lake sink of packages/data-lake as a child process (metrics
 * :4493) writing to the S3 server and Azurite of `yarn infra`, in a bucket and container of its own.
 * Then for BENCH_DURATION_S (60) BENCH_CONNECTIONS (8) clients post batches of 100 anonymous events with their
 * own eventIds, resending a batch answered 503 (or not answered) with the same eventIds, as the contract asks.
 * At BENCH_RESTART_AT_S (20) the broker is stopped (SIGTERM, or SIGKILL with BENCH_RESTART_SIGNAL=SIGKILL),
 * stays down BENCH_DOWN_S (5) and is started again on the same data dir.
 * Afterwards an independent consumer reads the topics back by eventId, and once the sink committed every
 * offset and stopped, every Parquet object of the bucket is read back with DuckDB:
 *   - every acknowledged (202) event must be on its topic (missing = 0); duplicates there are allowed (a 503
 *     after Kafka took part of a request, then the resend);
 *   - the lake must hold every record of the topics exactly once: one row per (topic, partition, offset), and
 *     no eventId more often than on the topics (duplicates in the lake = 0); Azure must hold the same objects.
 *
 *   yarn workspace @platform/data-lake bench:broker-restart
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { findRepoRoot, loadInfraEnv, stateRoot } from '@platform/local-infra';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  createEventTrackingService,
  loadEventTrackingConfig,
} from '@platform/event-tracking-service';
import { AzureLakeStore, S3LakeStore } from '../src';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const RESTART_AT_S = Number(process.env.BENCH_RESTART_AT_S ?? 20);
const DOWN_S = Number(process.env.BENCH_DOWN_S ?? 5);
const RESTART_SIGNAL = (process.env.BENCH_RESTART_SIGNAL ??
  'SIGTERM') as NodeJS.Signals;
const BATCH_SIZE = 100;
const TYPES = ['click', 'view', 'cart', 'purchase'] as const;
const PORTS = { broker: 4490, controller: 4491, service: 4492, sink: 4493 };

const root = findRepoRoot();
const run = randomBytes(4).toString('hex');
const prefix = `brk-${run}.events`;
const lakeName = `brk-${run}`;
const workDir = fs.mkdtempSync(
  path.join(os.tmpdir(), `broker-restart-${run}-`),
);
const brokers = `127.0.0.1:${PORTS.broker}`;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Our own broker: the jars and properties template of `yarn infra`, our ports and a temp data dir. */
class OwnBroker {
  private process?: ChildProcess;
  private readonly libs = path.join(stateRoot(root), 'infra', 'kafka', 'libs');
  private readonly properties = path.join(workDir, 'server.properties');
  private readonly log = path.join(workDir, 'kafka.log');

  private java(mainClass: string, args: string[]) {
    return [
      '-Xms128m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${path.join(
        root,
        'infra/local/kafka/log4j.properties',
      )}`,
      '-cp',
      `${this.libs}/*`,
      mainClass,
      ...args,
    ];
  }

  format() {
    if (!fs.existsSync(this.libs))
      throw new Error(`no Kafka jars in ${this.libs}: run ./idp infra up once`);
    const template = fs.readFileSync(
      path.join(root, 'infra/local/kafka/server.properties'),
      'utf8',
    );
    const values: Record<string, string> = {
      HOST: '127.0.0.1',
      PORT: String(PORTS.broker),
      CONTROLLER_PORT: String(PORTS.controller),
      DATA_DIR: path.join(workDir, 'data'),
    };
    fs.writeFileSync(
      this.properties,
      template.replace(
        /\$\{(\w+)\}/g,
        (whole, key: string) => values[key] ?? whole,
      ),
    );
    const clusterId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex')
      .toString('base64url')
      .replace(/^-/, 'A');
    const format = spawnSync(
      'java',
      this.java('kafka.tools.StorageTool', [
        'format',
        '-t',
        clusterId,
        '-c',
        this.properties,
      ]),
      {
        encoding: 'utf8',
      },
    );
    if (format.status !== 0)
      throw new Error(
        `kafka storage format failed: ${format.stderr}${format.stdout}`,
      );
  }

  async start() {
    const out = fs.openSync(this.log, 'a');
    this.process = spawn('java', this.java('kafka.Kafka', [this.properties]), {
      cwd: workDir,
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    const admin = new Kafka({
      brokers: [brokers],
      clientId: 'broker-restart-probe',
      logLevel: logLevel.NOTHING,
    }).admin();
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (this.process.exitCode !== null)
        throw new Error(`the broker exited; see ${this.log}`);
      try {
        await admin.connect();
        if ((await admin.describeCluster()).brokers.length > 0) break;
      } catch {
        // not up yet
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      if (Date.now() > deadline)
        throw new Error(`the broker is not up after 90 s; see ${this.log}`);
      await sleep(250);
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    process.kill(-child.pid!, signal);
    const timeout = setTimeout(
      () => process.kill(-child.pid!, 'SIGKILL'),
      30_000,
    );
    await exited;
    clearTimeout(timeout);
  }
}

/** The lake sink as a child process (its own event loop and DuckDB), restarted if it exits on its own. */
class SinkProcess {
  private process?: ChildProcess;
  private stopping = false;
  restarts = 0;
  readonly log = path.join(workDir, 'data-lake-sink.log');

  constructor(private readonly env: Record<string, string>) {}

  start() {
    const out = fs.openSync(this.log, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.join(root, 'packages/data-lake'),
      env: { ...process.env, ...this.env },
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    child.once('exit', () => {
      if (this.stopping) return;
      this.restarts++;
      this.start();
    });
    this.process = child;
  }

  /** SIGTERM: the sink stores its open files, commits and leaves the group. */
  async stop() {
    this.stopping = true;
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

function anonymousBatch() {
  const sessionId = `brk-${randomUUID()}`;
  return Array.from({ length: BATCH_SIZE }, (_, i) => ({
    eventId: randomUUID(),
    sessionId,
    type: TYPES[i % TYPES.length],
    productId: `p${i % 50}`,
    ts: new Date().toISOString(),
    meta: { source: 'broker-restart' },
  }));
}

/** BENCH_CONNECTIONS clients posting batches until `until`; a batch is resent until it is answered 202. */
async function ingest(url: string, until: number) {
  const acknowledged = new Set<string>();
  const figures = {
    requests: 0,
    accepted: 0,
    unavailable: 0,
    failedRequests: 0,
    firstFailureAt: 0,
    lastFailureAt: 0,
  };
  const failed = () => {
    figures.lastFailureAt = Date.now();
    if (!figures.firstFailureAt) figures.firstFailureAt = figures.lastFailureAt;
  };
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      let batch = anonymousBatch();
      while (Date.now() < until) {
        figures.requests++;
        try {
          const response = await fetch(`${url}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch }),
            signal: AbortSignal.timeout(10_000),
          });
          await response.arrayBuffer();
          if (response.status === 202) {
            figures.accepted++;
            for (const event of batch) acknowledged.add(event.eventId);
            batch = anonymousBatch();
            continue;
          }
          if (response.status !== 503)
            throw new Error(`POST /events answered ${response.status}`);
          figures.unavailable++;
        } catch (error) {
          if ((error as Error).message.startsWith('POST /events answered'))
            throw error;
          figures.failedRequests++;
        }
        failed();
        // a shorter wait than Retry-After, to see the end of the outage to within a quarter second
        await sleep(250);
      }
    }),
  );
  return { acknowledged, figures };
}

/** Every record of the run's event topics, from the beginning, by eventId. */
async function readTopics(kafka: Kafka, expected: Set<string>) {
  const consumer = kafka.consumer({ groupId: `brk-${run}-verify` });
  const counts = new Map<string, number>();
  let records = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({
      topics: TYPES.map(type => `${prefix}.${type}`),
      fromBeginning: true,
    });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          records++;
          const { eventId } = JSON.parse(message.value!.toString());
          counts.set(eventId, (counts.get(eventId) ?? 0) + 1);
        }
      },
    });
    const deadline = Date.now() + 60_000;
    const complete = () => [...expected].every(id => counts.has(id));
    while (Date.now() < deadline && !complete()) await sleep(500);
    await sleep(2000);
  } finally {
    await consumer.disconnect();
  }
  return { records, counts };
}

/** Waits until the sink's group committed the end of every partition of the run's topics. */
async function sinkCaughtUp(kafka: Kafka, group: string, timeoutMs: number) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      let behind = 0;
      for (const type of TYPES) {
        const topic = `${prefix}.${type}`;
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({
          groupId: group,
          topics: [topic],
        });
        for (const end of ends) {
          const at =
            committed.partitions.find(p => p.partition === end.partition)
              ?.offset ?? '-1';
          behind += Math.max(0, Number(end.high) - Math.max(0, Number(at)));
        }
      }
      if (behind === 0) return true;
      await sleep(1000);
    }
    return false;
  } finally {
    await admin.disconnect();
  }
}

interface LakeStoreLike {
  list(prefix: string): Promise<string[]>;
  get(key: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** Reads every Parquet object of the run's bucket with DuckDB, the lake's own reader. */
async function readLake(infra: Record<string, string>) {
  const s3: LakeStoreLike = new S3LakeStore({
    endpoint: infra.S3_ENDPOINT,
    region: infra.S3_REGION,
    accessKeyId: infra.S3_ACCESS_KEY_ID,
    secretAccessKey: infra.S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
    bucket: lakeName,
  });
  const azure: LakeStoreLike = new AzureLakeStore({
    connectionString: infra.AZURE_STORAGE_CONNECTION_STRING,
    container: lakeName,
  });
  try {
    const keys = (await s3.list('events/'))
      .filter(key => key.endsWith('.parquet'))
      .sort();
    const azureKeys = (await azure.list('events/'))
      .filter(key => key.endsWith('.parquet'))
      .sort();
    const dir = path.join(workDir, 'lake');
    for (const [i, key] of keys.entries()) {
      const file = path.join(dir, `${String(i).padStart(5, '0')}.parquet`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, await s3.get(key));
    }
    const counts = new Map<string, number>();
    let rows = 0;
    let distinctOffsets = 0;
    if (keys.length > 0) {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const glob = `${dir}/*.parquet`;
      const byId = await connection.runAndReadAll(
        `SELECT event_id, count(*)::INTEGER FROM read_parquet('${glob}') GROUP BY 1`,
      );
      for (const [id, n] of byId.getRows() as Array<[string, number]>) {
        counts.set(id, n);
        rows += n;
      }
      const offsets = await connection.runAndReadAll(
        `SELECT count(DISTINCT (kafka_topic, kafka_partition, kafka_offset))::INTEGER FROM read_parquet('${glob}')`,
      );
      distinctOffsets = (offsets.getRows()[0] as [number])[0];
      connection.closeSync();
    }
    const sameInAzure =
      keys.length === azureKeys.length &&
      keys.every((key, i) => key === azureKeys[i]);
    return {
      objects: keys.length,
      azureObjects: azureKeys.length,
      sameInAzure,
      rows,
      distinctOffsets,
      counts,
    };
  } finally {
    await s3.close();
    await azure.close();
  }
}

async function main() {
  const infra = loadInfraEnv();
  const began = Date.now();
  const broker = new OwnBroker();
  const kafka = new Kafka({
    brokers: [brokers],
    clientId: 'broker-restart-verify',
    logLevel: logLevel.NOTHING,
  });
  const sinkGroup = `brk-${run}-lake`;
  const sink = new SinkProcess({
    ...infra,
    KAFKA_BROKERS: brokers,
    PORT: String(PORTS.sink),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    EVENTS_TOPIC_PREFIX: prefix,
    LAKE_CONSUMER_GROUP: sinkGroup,
    LAKE_S3_BUCKET: lakeName,
    LAKE_AZURE_CONTAINER: lakeName,
    // files close within seconds instead of at the end of the hour, so the run ends with everything committed
    LAKE_HOUR_GRACE_MS: '1000',
    LAKE_FILE_MAX_OPEN_MS: '10000',
    LAKE_CHECK_INTERVAL_MS: '1000',
    LAKE_RETRY_MAX_MS: '2000',
    KAFKA_SESSION_TIMEOUT_MS: '10000',
  });
  let service:
    | Awaited<ReturnType<typeof createEventTrackingService>>
    | undefined;
  try {
    broker.format();
    await broker.start();
    service = await createEventTrackingService(
      loadEventTrackingConfig({
        ...process.env,
        ...infra,
        KAFKA_BROKERS: brokers,
        PORT: String(PORTS.service),
        // its 503s during the outage are expected: they are counted, not logged
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'fatal',
        EVENTS_TOPIC_PREFIX: prefix,
      }),
    );
    await service.start();
    sink.start();
    console.log(
      `run ${run}: broker :${PORTS.broker} (${workDir}), service :${PORTS.service}, sink :${PORTS.sink}, lake ${lakeName}`,
    );

    const startedAt = Date.now();
    const load = ingest(
      `http://127.0.0.1:${PORTS.service}`,
      startedAt + DURATION_S * 1000,
    );
    await sleep(RESTART_AT_S * 1000);
    const stoppingAt = Date.now();
    await broker.stop(RESTART_SIGNAL);
    const downAt = Date.now();
    await sleep(DOWN_S * 1000);
    await broker.start();
    const upAt = Date.now();
    const { acknowledged, figures } = await load;
    await service.stop();
    service = undefined;

    const topics = await readTopics(kafka, acknowledged);
    const missing = [...acknowledged].filter(
      id => !topics.counts.has(id),
    ).length;
    const topicDuplicates = topics.records - topics.counts.size;

    const caughtUp = await sinkCaughtUp(kafka, sinkGroup, 120_000);
    await sink.stop();
    const lake = await readLake(infra);
    const missingInLake = [...topics.counts.keys()].filter(
      id => !lake.counts.has(id),
    ).length;
    let lakeDuplicates = 0;
    for (const [id, n] of lake.counts)
      lakeDuplicates += Math.max(0, n - (topics.counts.get(id) ?? 0));
    lakeDuplicates += lake.rows - lake.distinctOffsets;

    const report = {
      run,
      durationSeconds: DURATION_S,
      connections: CONNECTIONS,
      batchSize: BATCH_SIZE,
      restart: {
        signal: RESTART_SIGNAL,
        atSeconds: seconds(stoppingAt - startedAt),
        stopTookSeconds: seconds(downAt - stoppingAt),
        brokerUnavailableSeconds: seconds(upAt - stoppingAt),
        // from the first request that failed to the last: what the clients saw
        ingestOutageSeconds: figures.firstFailureAt
          ? seconds(figures.lastFailureAt - figures.firstFailureAt)
          : 0,
      },
      requests: figures.requests,
      acknowledgedBatches: figures.accepted,
      acknowledged: acknowledged.size,
      eventsPerSecond: Math.round(acknowledged.size / DURATION_S),
      unavailable503: figures.unavailable,
      requestsWithoutAnswer: figures.failedRequests,
      topics: {
        records: topics.records,
        distinctEventIds: topics.counts.size,
        duplicates: topicDuplicates,
        missing,
      },
      lake: {
        bucketAndContainer: lakeName,
        sinkCaughtUp: caughtUp,
        sinkRestarts: sink.restarts,
        objects: lake.objects,
        azureObjects: lake.azureObjects,
        sameObjectsInAzure: lake.sameInAzure,
        rows: lake.rows,
        distinctEventIds: lake.counts.size,
        duplicateEventIdsAsOnTopics: lake.rows - lake.counts.size,
        duplicates: lakeDuplicates,
        missing: missingInLake,
      },
      totalSeconds: seconds(Date.now() - began),
    };
    console.log(JSON.stringify(report, null, 2));
    const file = path.join(
      stateRoot(root),
      'bench',
      `broker-restart-${run}.json`,
    );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(report, null, 2));
    console.log(`written to ${file}; logs in ${workDir}`);
    if (
      missing !== 0 ||
      missingInLake !== 0 ||
      lakeDuplicates !== 0 ||
      !lake.sameInAzure ||
      !caughtUp
    )
      process.exitCode = 1;
  } finally {
    await service?.stop().catch(() => undefined);
    await sink.stop().catch(() => undefined);
    await broker.stop().catch(() => undefined);
    if (process.exitCode !== 1)
      fs.rmSync(path.join(workDir, 'data'), { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
