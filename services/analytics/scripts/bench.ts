/**
 * Flink end-to-end latency: from the event that closes a window to that window's result being readable
 * (read_committed) on analytics-results, through the real job in the local mini-cluster and the dev Kafka.
 *
 *   yarn workspace @platform/analytics-service bench [--rate 500] [--seconds 40] [--checkpoint-ms 1000]
 *
 * Events go round-robin to the four event topics (one partition each) at `rate` per second; their event time moves
 * 1 minute per wall second, so one 1-minute window closes every second. A window's latency is the time from sending
 * the first event past its end plus the lateness (the one that moves the watermark past it) to reading its result.
 * It includes waiting for the checkpoint that commits the result's Kafka transaction (half the interval on average).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import pino from 'pino';
import { loadInfraEnv } from '@platform/local-infra';
import { createKafka } from '@platform/service-kit';
import { flinkJobSettings } from '../src/app';
import { loadAnalyticsConfig } from '../src/config';
import { FlinkJob } from '../src/flink/FlinkJob';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const RATE = arg('rate', 500);
const SECONDS = arg('seconds', 40);
const CHECKPOINT_MS = arg('checkpoint-ms', 1000);
const LATENESS_S = 1;
const TYPES = ['view', 'click', 'cart', 'purchase'] as const;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const infra = loadInfraEnv();
  const run = `bench-an-${randomBytes(4).toString('hex')}`;
  const topics = { events: TYPES.map(t => `${run}.events.${t}`), orders: `${run}.orders`, results: `${run}.analytics-results` };
  const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), `${run}-`));
  const config = loadAnalyticsConfig({
    DATABASE_URL: infra.DATABASE_URL,
    KAFKA_BROKERS: infra.KAFKA_BROKERS,
    EVENT_TOPICS: topics.events.join(','),
    ORDERS_TOPIC: topics.orders,
    ANALYTICS_RESULTS_TOPIC: topics.results,
    FLINK_GROUP_ID: run,
    ANALYTICS_START_FROM: 'earliest',
    FLINK_CHECKPOINT_DIR: checkpointDir,
    FLINK_CHECKPOINT_INTERVAL_MS: String(CHECKPOINT_MS),
    ANALYTICS_LATENESS_SECONDS: String(LATENESS_S),
  });
  const kafka = createKafka({ brokers: infra.KAFKA_BROKERS, clientId: run });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [...topics.events, topics.orders, topics.results].map(topic => ({ topic, numPartitions: 1 })),
  });
  const job = new FlinkJob({
    launcherDir: config.FLINK_LAUNCHER_DIR,
    launcherSource: config.FLINK_LAUNCHER_SOURCE,
    sqlFile: config.FLINK_SQL_FILE,
    checkpointDir,
    heapMb: config.FLINK_JVM_HEAP_MB,
    logger: pino({ level: 'warn' }),
    ...flinkJobSettings(config),
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `${run}-reader`, readUncommitted: false });
  try {
    const spawned = Date.now();
    await job.start();
    console.log(`flink job running ${((Date.now() - spawned) / 1000).toFixed(1)} s after the JVM started`);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: topics.results, fromBeginning: true });
    const received = new Map<string, number>();
    const joined = new Promise(resolve => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        if (key.startsWith('interactions|1m|') && key.endsWith('||')) received.set(key.split('|')[2], Date.now());
      },
    });

    await joined; // a reader still joining its group would add its join time to the first windows
    await job.nextCheckpoint(); // every task runs (submitted is not yet running)
    // event time: 1 minute per wall second, from a fixed hour far from real traffic
    const t0 = Date.parse('2031-01-01T00:00:00Z');
    const stepMs = 60_000 / RATE;
    const sends: Array<{ eventTime: number; sentAt: number }> = [];
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < SECONDS * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE);
      const batch = [];
      for (; sent < due; sent++) {
        const eventTime = t0 + sent * stepMs;
        batch.push({
          topic: topics.events[sent % TYPES.length],
          messages: [
            {
              key: `s${sent % 50}`,
              value: JSON.stringify({
                eventId: randomUUID(),
                userId: null,
                sessionId: `s${sent % 50}`,
                type: TYPES[sent % TYPES.length],
                productId: 'p1',
                ts: new Date(eventTime).toISOString(),
                meta: {},
                receivedAt: new Date().toISOString(),
              }),
            },
          ],
        });
        sends.push({ eventTime, sentAt: 0 });
      }
      if (batch.length) {
        await producer.sendBatch({ topicMessages: batch });
        const now = Date.now();
        for (let i = sends.length - batch.length; i < sends.length; i++) sends[i].sentAt = now;
      }
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    await new Promise(resolve => setTimeout(resolve, 5_000 + 2 * CHECKPOINT_MS));

    const latencies: number[] = [];
    for (const [windowStart, readAt] of received) {
      // the watermark passes the window when all four topics have an event past end + lateness
      const closing = Date.parse(windowStart) + 60_000 + LATENESS_S * 1000 + (TYPES.length - 1) * stepMs;
      const closer = sends.find(s => s.eventTime >= closing);
      if (closer) latencies.push(readAt - closer.sentAt);
    }
    if (process.argv.includes('--verbose')) console.log(JSON.stringify(latencies));
    latencies.sort((a, b) => a - b);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      JSON.stringify({
        eventsPerSecond: RATE,
        events: sent,
        checkpointIntervalMs: CHECKPOINT_MS,
        latenessSeconds: LATENESS_S,
        windowsMeasured: latencies.length,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        maxMs: latencies.at(-1),
        seconds: Math.round(seconds),
      }),
    );
    console.log(
      `Flink end-to-end latency (event closing a 1-minute window -> its result on analytics-results, read_committed) at ${RATE} events/s, checkpoints every ${CHECKPOINT_MS} ms: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms over ${latencies.length} windows`,
    );
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await job.stop();
    await admin.deleteGroups([run, `${run}-reader`]).catch(() => undefined);
    await admin.deleteTopics({ topics: [...topics.events, topics.orders, topics.results] }).catch(() => undefined);
    await admin.disconnect();
    fs.rmSync(checkpointDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
