import { randomBytes } from 'node:crypto';
import { loadInfraEnv } from '@platform/local-infra';
import { createKafka, ensureTopics } from './kafka';

const { KAFKA_BROKERS } = loadInfraEnv();
const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'service-kit-test' });
const suffix = randomBytes(6).toString('hex');
const existing = `kit-test.existing.${suffix}`;
const missing = `kit-test.missing.${suffix}`;
const raced = `kit-test.raced.${suffix}`;

async function partitions(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0].partitions.length;
  } finally {
    await admin.disconnect();
  }
}

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const ours = [existing, missing, raced].filter(topic => present.has(topic));
    if (ours.length) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
});

describe('ensureTopics', () => {
  it('creates only the missing topic and leaves an existing one as it is', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: existing, numPartitions: 1 }] });
    } finally {
      await admin.disconnect();
    }

    await ensureTopics(kafka, [
      { topic: existing, numPartitions: 3 },
      { topic: missing, numPartitions: 2 },
    ]);

    expect(await partitions(existing)).toBe(1);
    expect(await partitions(missing)).toBe(2);
    // Every topic present: nothing to create, no error.
    await expect(ensureTopics(kafka, [{ topic: missing, numPartitions: 5 }])).resolves.toBeUndefined();
    expect(await partitions(missing)).toBe(2);
  }, 60_000);

  it('leaves the topic usable in each of several processes that ensure it at once', async () => {
    // services starting together on a fresh broker: each of them may use the topic as soon as its call returns
    const racing = Array.from({ length: 4 }, (_, i) => createKafka({ brokers: KAFKA_BROKERS, clientId: `kit-test-race-${i}` }));
    await Promise.all(
      racing.map(async client => {
        await ensureTopics(client, [{ topic: raced, numPartitions: 3 }]);
        const admin = client.admin();
        await admin.connect();
        try {
          const offsets = await admin.fetchTopicOffsets(raced);
          expect(offsets.map(o => o.partition).sort()).toEqual([0, 1, 2]);
        } finally {
          await admin.disconnect();
        }
      }),
    );
  }, 60_000);
});
