import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import type { Event } from '../src/events.js';
import { createEventConsumer } from '../src/consumer.js';
import { ensureTopics } from '../src/kafka.js';
import { DLQ_HEADERS } from '../src/kafkaConsumer.js';
import { followMembership } from '../src/membership.js';
import { createMetrics } from '../src/metrics.js';

// Against a real broker: KAFKA_BROKERS=localhost:9092 npm test. Without one these tests are skipped, loudly.
const brokers = process.env.KAFKA_BROKERS;
const skip = brokers ? false : 'KAFKA_BROKERS is not set: the consumer tests need a Kafka broker';
if (skip) console.warn(`\n*** SKIPPED: ${skip} ***\n`);

const topic = `test.${randomUUID().slice(0, 8)}`;
const groupId = `test-${randomUUID().slice(0, 8)}`;
const kafka = new Kafka({ clientId: 'consumer-test', brokers: (brokers ?? 'localhost:1').split(','), logLevel: logLevel.NOTHING });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

const event = (id: string) => JSON.stringify({ id, type: 'test.happened', occurredAt: new Date().toISOString() });

async function admin(work: (a: ReturnType<Kafka['admin']>) => Promise<unknown>) {
  const a = kafka.admin();
  await a.connect();
  try {
    await work(a);
  } finally {
    await a.disconnect();
  }
}

before(async () => {
  // kafkajs's own waitForLeaders gives up while a new topic has no leader yet; ensureTopics waits it out
  if (!skip) await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
});

// the broker is shared: leave no test topic or group behind
after(async () => {
  if (skip) return;
  // a group whose members all left may already be gone (GROUP_ID_NOT_FOUND): nothing to delete then
  await admin(a => a.deleteGroups([groupId, `${groupId}-dlq`]).catch(() => undefined));
  await admin(a => a.deleteTopics({ topics: [topic, `${topic}.dlq`] }));
});

test('handles events, dead-letters what cannot be decoded or keeps failing, and reports lag, throughput and DLQ', { skip, timeout: 90_000 }, async () => {
  const { registry } = createMetrics();
  const handled: string[] = [];
  const attempts = new Map<string, number>();
  const consumer = createEventConsumer({
    kafka,
    config: {
      KAFKA_GROUP_ID: groupId,
      KAFKA_TOPICS: [topic],
      KAFKA_RETRIES: 1,
      KAFKA_MAX_BATCH_SIZE: 100,
      KAFKA_PARTITIONS_CONCURRENTLY: 1,
      KAFKA_FROM_BEGINNING: true,
    },
    registry,
    logger: pino({ level: 'silent' }),
    backoff: { initialMs: 10, maxMs: 20 },
    handle: async (e: Event) => {
      attempts.set(e.id, (attempts.get(e.id) ?? 0) + 1);
      if (e.id === 'poison') throw new Error('the handler refuses poison');
      handled.push(e.id);
    },
  });
  const membership = followMembership(consumer.consumer, groupId, () => undefined);
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      messages: [{ value: event('a') }, { value: 'not json' }, { value: event('poison') }, { value: event('b') }],
    });
    await consumer.start();
    await waitFor('readiness', () => membership.check().then(() => true, () => undefined));
    await waitFor('both good events', () => (handled.includes('a') && handled.includes('b') ? true : undefined));

    const dlq = kafka.consumer({ groupId: `${groupId}-dlq` });
    const dead: { value: string; headers: Record<string, string> }[] = [];
    await dlq.connect();
    await dlq.subscribe({ topics: [`${topic}.dlq`], fromBeginning: true });
    await dlq.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        dead.push({ value: message.value!.toString(), headers });
      },
    });
    await waitFor('two dead letters', () => (dead.length >= 2 ? true : undefined));
    await dlq.disconnect();

    assert.equal(dead.length, 2);
    const undecodable = dead.find(d => d.value === 'not json')!;
    assert.match(undecodable.headers[DLQ_HEADERS.reason], /^decode failed: not JSON/);
    assert.equal(undecodable.headers[DLQ_HEADERS.sourceTopic], topic);
    const poison = dead.find(d => d.value.includes('"poison"'))!;
    assert.equal(poison.headers[DLQ_HEADERS.reason], 'the handler refuses poison');
    assert.equal(poison.headers[DLQ_HEADERS.group], groupId);
    // tried with the batch (1 + 1 retry), then alone once more before it was dead-lettered
    assert.equal(attempts.get('poison'), 3);

    const metrics = await registry.metrics();
    const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*topic="${topic.replaceAll('.', '\\.')}"[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    assert.equal(value('kafka_consumer_dlq_total'), 2);
    assert.ok(value('kafka_consumer_processed_total') >= 2, metrics);
    assert.ok(value('kafka_consumer_failed_total') >= 3, metrics);
    assert.equal(value('kafka_consumer_lag'), 0);
  } finally {
    await producer.disconnect();
    await consumer.stop();
  }
});
