import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadInfraEnv } from '@platform/local-infra';
import { Registry } from 'prom-client';
import { createKafka, ensureTopics } from './kafka';
import { BatchConsumer, BatchHandler, CommitOffset, ConsumedMessage, createBatchConsumer, DLQ_HEADERS, KAFKA_CONSUMER_METRICS } from './kafkaConsumer';
import { eventually } from './testing';

const { KAFKA_BROKERS } = loadInfraEnv();
const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'service-kit-consumer-test' });
const run = randomBytes(6).toString('hex');
const topics: string[] = [];
const groups: string[] = [];
const running: BatchConsumer[] = [];
let counter = 0;

type Value = { n: number };

/** A topic and group of this test only; the topic and its dead-letter topic are removed afterwards. */
async function fresh(numPartitions = 1) {
  counter += 1;
  const topic = `kit-consumer.${run}.${counter}`;
  const groupId = `kit-consumer-test.${run}.${counter}`;
  // the consumer creates `<topic>.dlq` itself (and the dead-letter reader its own `.dlq.dlq`)
  topics.push(topic, `${topic}.dlq`, `${topic}.dlq.dlq`);
  groups.push(groupId);
  await ensureTopics(kafka, [{ topic, numPartitions }]);
  return { topic, groupId };
}

const producer = kafka.producer();

async function produce(topic: string, values: Array<Value | string>, separately = false) {
  const messages = values.map(value => ({ key: 'k', value: typeof value === 'string' ? value : JSON.stringify(value) }));
  if (separately) {
    for (const message of messages) await producer.send({ topic, acks: -1, messages: [message] });
  } else {
    await producer.send({ topic, acks: -1, messages });
  }
}

async function committed(groupId: string, topic: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return partitions.sort((a, b) => a.partition - b.partition).map(p => p.offset);
  } finally {
    await admin.disconnect();
  }
}

/** Polls a condition (not a fixed sleep): resolves as soon as it holds, fails after the timeout. */

/** Records what the handler saw; `seen(n)` resolves once n messages were handled. */
function recorder() {
  const handled: ConsumedMessage<Value>[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  return {
    handled,
    record(messages: ConsumedMessage<Value>[]) {
      handled.push(...messages);
      for (const waiter of waiters.filter(w => handled.length >= w.n)) waiter.resolve();
    },
    seen(n: number) {
      return handled.length >= n ? Promise.resolve() : new Promise<void>(resolve => waiters.push({ n, resolve }));
    },
  };
}

function consumerFor(
  topic: string,
  groupId: string,
  handleBatch: BatchHandler<Value>,
  extra: Partial<Parameters<typeof createBatchConsumer<Value>>[0]> = {},
) {
  const consumer = createBatchConsumer<Value>({
    kafka,
    groupId,
    topics: [topic],
    fromBeginning: true,
    handleBatch,
    backoff: { initialMs: 20, maxMs: 100 },
    consumerConfig: { sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 },
    ...extra,
  });
  running.push(consumer);
  return consumer;
}

async function stopAll() {
  await Promise.all(running.splice(0).map(consumer => consumer.stop()));
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>) {
  const metric = registry.getSingleMetric(name);
  const { values } = await metric!.get();
  return values.find(v => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
}

beforeAll(() => producer.connect());

afterEach(stopAll);

afterAll(async () => {
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const ours = topics.filter(topic => present.has(topic));
    if (ours.length) await admin.deleteTopics({ topics: ours });
    await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
});

describe('createBatchConsumer', () => {
  it('commits a handled batch, so a restarted consumer does not see it again', async () => {
    const { topic, groupId } = await fresh();
    await produce(topic, [1, 2, 3, 4, 5].map(n => ({ n })));
    const first = recorder();
    const registry = new Registry();
    const a = consumerFor(topic, groupId, async messages => first.record(messages), { registry });
    await a.start();
    await first.seen(5);
    await a.stop();
    expect(first.handled.map(m => m.value.n)).toEqual([1, 2, 3, 4, 5]);
    expect(first.handled.map(m => m.offset)).toEqual(['0', '1', '2', '3', '4']);
    expect(await committed(groupId, topic)).toEqual(['5']);
    expect(await metricValue(registry, KAFKA_CONSUMER_METRICS.processed, { topic, group: groupId })).toBe(5);

    await produce(topic, [{ n: 6 }]);
    const second = recorder();
    const b = consumerFor(topic, groupId, async messages => second.record(messages));
    await b.start();
    await second.seen(1);
    await b.stop();
    expect(second.handled.map(m => [m.offset, m.value.n])).toEqual([['5', 6]]);
    expect(await committed(groupId, topic)).toEqual(['6']);
  }, 60_000);

  it('retries a failing batch with backoff and loses nothing when it then succeeds', async () => {
    const { topic, groupId } = await fresh();
    await produce(topic, [1, 2, 3].map(n => ({ n })));
    const seen = recorder();
    const attempts: number[] = [];
    const registry = new Registry();
    const consumer = consumerFor(
      topic,
      groupId,
      async (messages, context) => {
        attempts.push(context.attempt);
        if (context.attempt < 3) throw new Error('search index unavailable');
        seen.record(messages);
      },
      { registry, retries: 3 },
    );
    await consumer.start();
    await seen.seen(3);
    await consumer.stop();
    expect(attempts).toEqual([1, 2, 3]);
    expect(seen.handled.map(m => m.value.n)).toEqual([1, 2, 3]);
    expect(await committed(groupId, topic)).toEqual(['3']);
    expect(await metricValue(registry, KAFKA_CONSUMER_METRICS.failed, { topic })).toBe(6);
    expect(await metricValue(registry, KAFKA_CONSUMER_METRICS.dlq, { topic })).toBeUndefined();
  }, 60_000);

  it('dead-letters what keeps failing, with its origin in headers, and moves the partition on', async () => {
    const { topic, groupId } = await fresh();
    await produce(topic, [{ n: 1 }, { n: 666 }, { n: 3 }, 'not json']);
    const good = recorder();
    const registry = new Registry();
    const consumer = consumerFor(
      topic,
      groupId,
      async messages => {
        if (messages.some(m => m.value.n === 666)) throw new Error('price must not be negative');
        good.record(messages);
      },
      { registry, retries: 2 },
    );
    await consumer.start();
    await good.seen(2);
    await produce(topic, [{ n: 5 }]);
    await good.seen(3);
    expect(good.handled.map(m => m.value.n)).toEqual([1, 3, 5]);
    await eventually(async () => ((await committed(groupId, topic))[0] === '5' ? true : undefined));
    await consumer.stop();
    expect(await metricValue(registry, KAFKA_CONSUMER_METRICS.dlq, { topic, group: groupId })).toBe(2);

    // The dead letters, read back with a consumer of the DLQ topic.
    const dead = recorder();
    const reader = createBatchConsumer<Value>({
      kafka,
      groupId: `${groupId}.dlq-reader`,
      topics: [`${topic}.dlq`],
      fromBeginning: true,
      decode: message => ({ n: -1, raw: message.value?.toString() }) as unknown as Value,
      handleBatch: async messages => dead.record(messages),
    });
    groups.push(`${groupId}.dlq-reader`);
    running.push(reader);
    await reader.start();
    await dead.seen(2);
    await reader.stop();
    const byOffset = new Map(dead.handled.map(m => [m.headers[DLQ_HEADERS.sourceOffset], m]));
    const decodeFailure = byOffset.get('3')!;
    const poison = byOffset.get('1')!;
    expect((poison.value as unknown as { raw: string }).raw).toBe('{"n":666}');
    expect(poison.key).toBe('k');
    expect(poison.headers).toMatchObject({
      [DLQ_HEADERS.reason]: 'price must not be negative',
      [DLQ_HEADERS.sourceTopic]: topic,
      [DLQ_HEADERS.sourcePartition]: '0',
      [DLQ_HEADERS.sourceOffset]: '1',
      // three tries as a batch (the first and two retries), then one alone
      [DLQ_HEADERS.attempts]: '4',
      [DLQ_HEADERS.group]: groupId,
    });
    expect(decodeFailure.headers[DLQ_HEADERS.reason]).toMatch(/^decode failed: /);
    expect(decodeFailure.headers[DLQ_HEADERS.attempts]).toBe('0');
  }, 60_000);

  it('delivers again what a consumer handled but had not committed when it crashed', async () => {
    const { topic, groupId } = await fresh();
    await produce(topic, [1, 2, 3].map(n => ({ n })));
    // A member in another process that handles the batch and dies (SIGKILL) before returning.
    const script = `
      const { createKafka } = require(${JSON.stringify(path.join(__dirname, 'kafka'))});
      const { createBatchConsumer } = require(${JSON.stringify(path.join(__dirname, 'kafkaConsumer'))});
      const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS, clientId: 'crashing-member' });
      createBatchConsumer({
        kafka, groupId: process.env.GROUP, topics: [process.env.TOPIC], fromBeginning: true,
        consumerConfig: { sessionTimeout: 6000, heartbeatInterval: 500 },
        handleBatch: async messages => {
          process.stdout.write(JSON.stringify(messages.map(m => m.offset)) + '\\n');
          await new Promise(() => {});
        },
      }).start();
    `;
    const child = spawn(path.join(__dirname, '../../../node_modules/.bin/tsx'), ['-e', script], {
      env: { ...process.env, KAFKA_BROKERS, GROUP: groupId, TOPIC: topic, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise(resolve => child.once('exit', resolve));
    const handledByChild = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', chunk => {
        out += chunk;
        const line = out.split('\n').find(l => l.startsWith('['));
        if (line) resolve(JSON.parse(line));
      });
      child.once('exit', code => reject(new Error(`member exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await exited;
    expect(handledByChild).toEqual(['0', '1', '2']);

    const again = recorder();
    const survivor = consumerFor(topic, groupId, async messages => again.record(messages));
    await survivor.start();
    await again.seen(3);
    await survivor.stop();
    expect(again.handled.map(m => m.offset)).toEqual(['0', '1', '2']);
    expect(await committed(groupId, topic)).toEqual(['3']);
  }, 90_000);

  it('reports lag per partition as produced minus consumed', async () => {
    const { topic, groupId } = await fresh();
    await produce(topic, [1, 2, 3, 4, 5, 6].map(n => ({ n })), true);
    const registry = new Registry();
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    let reached!: () => void;
    const atThird = new Promise<void>(resolve => (reached = resolve));
    const consumer = consumerFor(
      topic,
      groupId,
      async ([message]) => {
        if (message.offset === '2') {
          reached();
          await gate;
        }
      },
      { registry, maxBatchSize: 1 },
    );
    await consumer.start();
    await atThird;
    const labels = { group: groupId, topic, partition: '0' };
    // six produced, two handled and committed
    expect(await metricValue(registry, KAFKA_CONSUMER_METRICS.lag, labels)).toBe(4);
    expect(await committed(groupId, topic)).toEqual(['2']);
    release();
    await eventually(async () => ((await metricValue(registry, KAFKA_CONSUMER_METRICS.lag, labels)) === 0 ? true : undefined));
    expect(await committed(groupId, topic)).toEqual(['6']);
  }, 60_000);

  it('stop() lets the batch in flight finish and commit, and handles nothing after it', async () => {
    const { topic, groupId } = await fresh();
    await produce(topic, [1, 2, 3, 4].map(n => ({ n })));
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    let started!: () => void;
    const inFlight = new Promise<void>(resolve => (started = resolve));
    const consumer = consumerFor(
      topic,
      groupId,
      async ([message]) => {
        events.push(`start ${message.offset}`);
        started();
        await gate;
        events.push(`done ${message.offset}`);
      },
      { maxBatchSize: 1 },
    );
    await consumer.start();
    await inFlight;
    const stopped = consumer.stop().then(() => events.push('stopped'));
    release();
    await stopped;
    expect(events).toEqual(['start 0', 'done 0', 'stopped']);
    expect(await committed(groupId, topic)).toEqual(['1']);

    const rest = recorder();
    const next = consumerFor(topic, groupId, async messages => rest.record(messages));
    await next.start();
    await rest.seen(3);
    expect(rest.handled.map(m => m.offset)).toEqual(['1', '2', '3']);
  }, 60_000);

  it('leaves the commit to a handler that returns { commit: "later" } until it commits explicitly', async () => {
    const { topic, groupId } = await fresh();
    await produce(topic, [1, 2, 3].map(n => ({ n })));
    const buffered = recorder();
    let boundary: CommitOffset | undefined;
    const consumer = consumerFor(topic, groupId, async (messages, context) => {
      buffered.record(messages);
      boundary = context.commitOffset;
      return { commit: 'later' };
    });
    await consumer.start();
    await buffered.seen(3);
    // handled, not committed: the file is not in every store yet
    expect(await committed(groupId, topic)).toEqual(['-1']);
    expect(boundary).toEqual({ topic, partition: 0, offset: '3' });
    await consumer.commitOffsets([boundary!]);
    expect(await committed(groupId, topic)).toEqual(['3']);
  }, 60_000);

  it('registers stop() on the service shutdown hooks when given onShutdown', async () => {
    const { topic, groupId } = await fresh();
    const hooks: Array<() => Promise<void>> = [];
    const consumer = consumerFor(topic, groupId, async () => undefined, { onShutdown: hook => hooks.push(hook) });
    await consumer.start();
    expect(hooks).toHaveLength(1);
    await hooks[0]();
    // stopped: an explicit commit is refused
    await expect(consumer.commitOffsets([{ topic, partition: 0, offset: '0' }])).rejects.toThrow();
  }, 60_000);
});
