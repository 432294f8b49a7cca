import { randomBytes } from 'node:crypto';
import { loadInfraEnv } from '@platform/local-infra';
import { createKafka, ensureTopics } from './kafka';

const { KAFKA_BROKERS } = loadInfraEnv();
const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'service-kit-test' });
const suffix = randomBytes(6).toString('hex');
const existing = `kit-test.existing.${suffix}`;
const missing = `kit-test.missing.${suffix}`;

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
    const ours = [existing, missing].filter(topic => present.has(topic));
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
});
