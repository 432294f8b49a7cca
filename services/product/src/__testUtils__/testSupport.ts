import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { loadContract } from '@platform/catalog-validation';
import { loadInfraEnv } from '@platform/local-infra';
import { contractAsserter } from '@platform/service-kit/testing';

/** Settings of the real servers from `.state/infra.env` (written by `yarn infra up`). */
export function infraEnv(): Record<string, string> {
  loadInfraEnv();
  return process.env as Record<string, string>;
}

/** A short random suffix that keeps databases, topics and groups of parallel test runs apart. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** A fresh Ed25519 key pair in PEM, standing in for the user-service signing key. */
export function testKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

export function testKafka(clientId: string): Kafka {
  return new Kafka({
    brokers: infraEnv().KAFKA_BROKERS.split(','),
    clientId,
    logLevel: logLevel.NOTHING,
  });
}

export async function createTopics(
  kafka: Kafka,
  topics: string[],
  numPartitions = 3,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map(topic => ({ topic, numPartitions })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(
  kafka: Kafka,
  topics: string[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Reads a topic from the beginning in the background, collecting every record. */
export async function collectTopic(kafka: Kafka, topic: string) {
  const records: {
    key: string | null;
    value: string;
    headers: KafkaMessage['headers'];
    partition: number;
  }[] = [];
  const consumer = kafka.consumer({
    groupId: `test-${topic}-${uniqueSuffix()}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      records.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? '',
        headers: message.headers,
        partition,
      });
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

export { eventually } from '@platform/service-kit/testing';

type Json = Record<string, unknown>;

/**
 * Contract tests on fetch responses with the kit's asserter: the status must be declared for the
 * operation and the body must match its schema in catalog-info/apis. Returns the parsed body.
 */
export function contractValidator(apiName: string) {
  const { assertResponse } = contractAsserter(apiName);
  return async function expectMatchesContract(
    method: string,
    response: Response,
  ): Promise<any> {
    const text = await response.text();
    let body: unknown = text === '' ? undefined : text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (e.g. metrics): validated as text.
    }
    const url = new URL(response.url);
    assertResponse(method, url.pathname, {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body,
    });
    return body;
  };
}

/** Validates a Kafka record value against a schema of the platform-events AsyncAPI document. */
export function eventValidator(schemaName: string) {
  const contract = loadContract('platform-events') as unknown as Json;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...contract, $id: 'platform-events' });
  const validate = ajv.getSchema(
    `platform-events#/components/schemas/${schemaName}`,
  );
  if (!validate) throw new Error(`platform-events has no schema ${schemaName}`);
  return (value: unknown) => {
    if (!validate(value))
      throw new Error(
        `not a valid ${schemaName}: ${ajv.errorsText(validate.errors)}`,
      );
  };
}
