import type { Kafka } from 'kafkajs';

/**
 * Creates the topics this service writes or reads if they are missing (an existing topic is left as
 * it is), so a fresh broker works without a provisioning step.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: { topic: string; numPartitions: number }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length)
      await admin.createTopics({ waitForLeaders: true, topics: missing });
  } finally {
    await admin.disconnect();
  }
}
