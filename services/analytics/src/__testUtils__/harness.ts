import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Partitioners, type Kafka } from 'kafkajs';
import supertest from 'supertest';
import { loadInfraEnv } from '@platform/local-infra';
import { createJwtIssuer, createKafka } from '@platform/service-kit';
import { contractAsserter, testDatabase } from '@platform/service-kit/testing';
import { createAnalyticsService } from '../app';
import { loadAnalyticsConfig } from '../config';

export const infra = loadInfraEnv();
export { eventually } from '@platform/service-kit/testing';

const repoRoot = path.resolve(__dirname, '../../../..');
export const EVENT_TYPES = ['view', 'click', 'cart', 'purchase'] as const;

/** The launcher built by the project's script (a no-op when .state/ has it). */
export function ensureLauncher(): string {
  return execFileSync('bash', [path.join(repoRoot, 'tools/install-flink-launcher.sh')], { encoding: 'utf8' }).trim();
}

/** Every record of a topic so far, read_committed (kafkajs' default), from an independent consumer. */
export async function readTopic(kafka: Kafka, topic: string, groupId: string) {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const wanted = new Map(ends.map(p => [p.partition, Number(p.offset)]));
  const records: Array<{ key: string; value: Record<string, unknown> }> = [];
  if ([...wanted.values()].every(offset => offset === 0)) return records;
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  // the end offset counts transaction markers too: done when every partition's position reached it
  await new Promise<void>((resolve, reject) => {
    const positions = new Map<number, number>();
    const done = () => [...wanted].every(([partition, end]) => (positions.get(partition) ?? 0) >= end - 1);
    const timer = setTimeout(() => reject(new Error(`reading ${topic} did not reach its end`)), 20_000);
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            records.push({ key: message.key!.toString(), value: JSON.parse(message.value!.toString()) });
          }
          positions.set(batch.partition, Number(batch.lastOffset()));
          if (done()) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return records;
}

/**
 * A real analytics service with its local Flink job on topics, a consumer group, a checkpoint folder and a
 * database of its own, with short checkpoints. `stop()` stops it and removes all of that.
 */
export async function startHarness(env: Record<string, string> = {}) {
  ensureLauncher();
  const run = `an-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const keys = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const topics = {
    events: EVENT_TYPES.map(type => `${run}.events.${type}`),
    orders: `${run}.orders`,
    results: `${run}.analytics-results`,
  };
  const kafka = createKafka({ brokers: infra.KAFKA_BROKERS, clientId: run });
  const admin = kafka.admin();
  await admin.connect();
  // one partition each: the job's watermark then follows the order the test writes in
  await admin.createTopics({
    waitForLeaders: true,
    topics: [...topics.events, topics.orders, topics.results].map(topic => ({ topic, numPartitions: 1 })),
  });
  const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), `${run}-checkpoints-`));
  const db = await testDatabase(infra.DATABASE_URL, 'analytics_test');
  const config = loadAnalyticsConfig({
    DATABASE_URL: infra.DATABASE_URL,
    ANALYTICS_DATABASE: db.name,
    KAFKA_BROKERS: infra.KAFKA_BROKERS,
    EVENT_TOPICS: topics.events.join(','),
    ORDERS_TOPIC: topics.orders,
    ANALYTICS_RESULTS_TOPIC: topics.results,
    FLINK_GROUP_ID: `${run}-flink`,
    RESULTS_CONSUMER_GROUP: `${run}-results`,
    ANALYTICS_START_FROM: 'earliest',
    FLINK_CHECKPOINT_DIR: checkpointDir,
    FLINK_CHECKPOINT_INTERVAL_MS: '500',
    ANALYTICS_LATENESS_SECONDS: '5',
    FLINK_JVM_HEAP_MB: '512',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    JWT_PUBLIC_KEY: keys.publicKey,
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
  });
  const app = await createAnalyticsService(config);
  db.closeBeforeDrop(() => app.stop());
  await app.start();

  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const issuer = await createJwtIssuer({
    privateKeyPem: keys.privateKey,
    issuer: 'user-service',
    audience: 'platform',
    ttlSeconds: 600,
  });
  return {
    app,
    config,
    kafka,
    topics,
    run,
    producer,
    /** the service's database, read directly: when a window has reached PostgreSQL */
    pool: db.pool({ max: 2 }),
    http: supertest(app.service.app),
    contract: contractAsserter('analytics-api'),
    token: (roles: string[] = ['admin']) => issuer.sign({ sub: 'test-admin', roles }),
    async stop() {
      await producer.disconnect().catch(() => undefined);
      await db.drop();
      await admin
        .deleteGroups([config.FLINK_GROUP_ID, config.RESULTS_CONSUMER_GROUP])
        .catch(() => undefined);
      await admin
        .deleteTopics({ topics: [...topics.events, topics.orders, topics.results, `${topics.results}.dlq`] })
        .catch(() => undefined);
      await admin.disconnect();
      fs.rmSync(checkpointDir, { recursive: true, force: true });
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
