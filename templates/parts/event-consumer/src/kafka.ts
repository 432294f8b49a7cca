import { Admin, Kafka, KafkaConfig, logLevel } from 'kafkajs';
import pino, { Logger } from 'pino';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go through the service's pino logger as JSON. */
export function createKafka(options: {
  brokers: string[] | string;
  clientId: string;
  /** the service's logger; defaults to a warn-level JSON logger */
  logger?: Logger;
  config?: Partial<KafkaConfig>;
}): Kafka {
  const brokers = typeof options.brokers === 'string' ? options.brokers.split(',').map(b => b.trim()).filter(Boolean) : options.brokers;
  const log = (options.logger ?? pino({ level: 'warn' })).child({ component: 'kafka', clientId: options.clientId });
  return new Kafka({
    clientId: options.clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      log[LEVELS[level] ?? 'info']({ kafka: rest }, message);
    },
    ...options.config,
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/**
 * Creates the topics a service writes or reads if they are missing (an existing topic is left as
 * it is), so a fresh broker works without a provisioning step. Resolves only once every partition of
 * every topic has a leader: when several services start together on a fresh broker, one creates a
 * topic while the others find it "already existing" before its leaders are elected, and a consumer or
 * producer that used it at once would fail with UNKNOWN_TOPIC_OR_PARTITION.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[], options: { timeoutMs?: number } = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    // kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a topic another process is
    // creating at the same moment answers for a while; the loop below waits through it
    if (missing.length) await admin.createTopics({ waitForLeaders: false, topics: missing });
    await waitForLeaders(admin, topics.map(({ topic }) => topic), options.timeoutMs ?? 30_000);
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = '';
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.topics.flatMap(topic =>
        topic.partitions.filter(partition => partition.leader < 0).map(partition => `${topic.name}[${partition.partitionId}]`),
      );
      if (leaderless.length === 0 && metadata.topics.length === topics.length) {
        // the metadata can name a leader before that broker serves the partition (NOT_LEADER_FOR_PARTITION):
        // the topic is ready once its leaders answer for their offsets
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
      lastProblem = `no leader yet for ${leaderless.join(', ') || 'some topics'}`;
    } catch (error) {
      // the topic is not in the metadata yet (another process is creating it) or its leader is not serving yet
      lastProblem = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`topics not ready after ${timeoutMs} ms: ${lastProblem}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
