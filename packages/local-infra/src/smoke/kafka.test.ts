import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { loadInfraEnv } from '../env';

const MESSAGES = 1_000;

describe('Kafka (yarn infra)', () => {
  let kafka: Kafka;
  const topic = `smoke.events.${randomUUID()}`;
  const groupId = `smoke-${randomUUID()}`;

  beforeAll(() => {
    kafka = new Kafka({
      clientId: 'local-infra-smoke',
      brokers: loadInfraEnv().KAFKA_BROKERS.split(','),
      // The first consumer group waits for __consumer_offsets; kafkajs logs each retry as an error.
      logLevel: logLevel.NOTHING,
    });
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('reports at least one broker in the cluster metadata', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { brokers } = await admin.describeCluster();
      expect(brokers.length).toBeGreaterThanOrEqual(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('produces 1,000 messages idempotently and consumes them all in a group with committed offsets', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await expect(
      admin.createTopics({
        topics: [{ topic, numPartitions: 3 }],
        waitForLeaders: true,
      }),
    ).resolves.toBe(true);

    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    for (let batch = 0; batch < MESSAGES / 100; batch++) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 100 }, (_, i) => {
          const n = batch * 100 + i;
          return { key: `user-${n % 37}`, value: JSON.stringify({ n }) };
        }),
      });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Set<number>();
    let resolveAll!: () => void;
    const all = new Promise<void>(resolve => {
      resolveAll = resolve;
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const message of batch.messages) {
          seen.add(JSON.parse(message.value!.toString()).n);
          resolveOffset(message.offset);
        }
        // The committed offset is the next one to read.
        await consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: String(Number(batch.lastOffset()) + 1),
          },
        ]);
        await heartbeat();
        if (seen.size === MESSAGES) resolveAll();
      },
    });
    await all;
    await consumer.disconnect();

    expect(seen.size).toBe(MESSAGES);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed.partitions.reduce(
      (sum, p) => sum + Number(p.offset),
      0,
    );
    expect(committed.partitions).toHaveLength(3);
    expect(total).toBe(MESSAGES);
    await admin.disconnect();
  }, 60_000);
});
