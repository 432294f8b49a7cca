import { randomBytes } from 'node:crypto';
import { loadInfraEnv } from '@platform/local-infra';
import { Partitioners } from 'kafkajs';
import { createKafka } from './kafka';

/*
 * kafkajs 2.2.4 is patched (.yarn/patches/kafkajs-npm-2.2.4-*.patch) so its request queue stops scheduling
 * checks when nothing waits: unpatched, Node 24 warns TimeoutNegativeWarning and the queue polls every 1 ms.
 * `yarn bench:kafka-idle` prints the idle cost.
 */
const { KAFKA_BROKERS } = loadInfraEnv();
const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'service-kit-patch-test' });
const topic = `kit-test.patch.${randomBytes(6).toString('hex')}`;

type RequestQueue = {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
};
// kafkajs's internal queue (no published types): the patched file itself
const RequestQueueClass: new (options: object) => RequestQueue = jest.requireActual(
  'kafkajs/src/network/requestQueue',
);

describe('patched kafkajs request queue (unit)', () => {
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const newQueue = () =>
    new RequestQueueClass({
      maxInFlightRequests: 1,
      requestTimeout: 30_000,
      enforceRequestTimeout: true,
      clientId: 'kit',
      broker: 'localhost:9092',
      logger: quiet,
    });

  it('schedules nothing when no request waits (unpatched: a 1 ms timer, re-armed forever)', () => {
    const queue = newQueue();
    queue.checkPendingRequests(); // what every fulfilled request runs
    expect(queue.throttleCheckTimeoutId).toBeNull();
    queue.destroy();
  });

  it('still schedules a check for a request waiting behind a throttle', () => {
    const queue = newQueue();
    queue.throttledUntil = Date.now() + 60_000;
    queue.pending.push({});
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
    queue.destroy();
  });
});

describe('patched kafkajs request queue against the broker', () => {
  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('still delivers every message', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: `${topic}.group` });
    await Promise.all([producer.connect(), consumer.connect()]);
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const received = new Set<string>();
      const all = new Promise<void>(resolve => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            received.add(message.value!.toString());
            if (received.size === 50) resolve();
          },
        });
      });
      for (let batch = 0; batch < 5; batch++) {
        await producer.send({
          topic,
          messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `m${batch * 10 + i}` })),
        });
      }
      await all;
      expect(received.size).toBe(50);
    } finally {
      await Promise.all([consumer.disconnect(), producer.disconnect()]);
    }
  }, 60_000);
});
