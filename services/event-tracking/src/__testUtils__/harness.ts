import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { loadContract } from '@platform/catalog-validation';
import { loadInfraEnv } from '@platform/local-infra';
import { createJwtIssuer } from '@platform/service-kit';
import { contractAsserter, freePort } from '@platform/service-kit/testing';
import { createEventTrackingService, eventTopics } from '../app';
import { loadEventTrackingConfig } from '../config';

export function infraEnv(): Record<string, string> {
  loadInfraEnv();
  return process.env as Record<string, string>;
}

/** Keeps the topics and consumer groups of parallel runs apart. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** A port nothing listens on: connections to it are refused, as by a Kafka broker that is down. */
export const closedPort = freePort;

export interface KafkaRecord {
  topic: string;
  key: string | null;
  value: any;
  headers: Record<string, string>;
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]),
  );
}

/**
 * A real event-tracking service on its own topics (`test-<suffix>.events.*`), a signing key standing in for the
 * user service's, and an independent consumer that reads every topic of the run from the beginning.
 */
export async function startHarness(options: { kafkaBrokers?: string } = {}) {
  const env = infraEnv();
  const suffix = uniqueSuffix();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const config = loadEventTrackingConfig({
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    EVENTS_TOPIC_PREFIX: `test-${suffix}.events`,
    EVENTS_TOPIC_PARTITIONS: '3',
    JWT_PUBLIC_KEY: publicKey,
    ...(options.kafkaBrokers ? { KAFKA_BROKERS: options.kafkaBrokers } : {}),
  });
  const app = await createEventTrackingService(config);
  const { url } = await app.start();
  const issuer = await createJwtIssuer({
    privateKeyPem: privateKey,
    issuer: 'user-service',
    audience: 'platform',
    ttlSeconds: 300,
  });
  const topics = eventTopics(config).map(t => t.topic);
  const kafka = new Kafka({
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: 'event-tracking-test',
    logLevel: logLevel.NOTHING,
  });

  const records: KafkaRecord[] = [];
  let consumer: ReturnType<Kafka['consumer']> | undefined;

  return {
    app,
    url,
    config,
    topic: (type: string) => `${config.EVENTS_TOPIC_PREFIX}.${type}`,
    token: (sub: string, roles: string[] = ['customer']) =>
      issuer.sign({ sub, roles }),
    post: (
      body: unknown,
      init: { token?: string; headers?: Record<string, string> } = {},
    ) =>
      fetch(`${url}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...init.headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    records,
    /** Starts the independent consumer (topics are created by the service at start). */
    async consume() {
      consumer = kafka.consumer({ groupId: `event-tracking-test-${suffix}` });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          records.push({
            topic,
            key: message.key?.toString() ?? null,
            value: JSON.parse(message.value?.toString() ?? 'null'),
            headers: headersOf(message.headers),
          });
        },
      });
    },
    async stop() {
      await consumer?.disconnect();
      await app.stop();
      if (!options.kafkaBrokers) {
        const admin = kafka.admin();
        await admin.connect();
        await admin.deleteTopics({ topics }).catch(() => undefined);
        await admin.disconnect();
      }
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export { eventually } from '@platform/service-kit/testing';

/** Asserts a fetch response against the Event Tracking API contract and returns its parsed body. */
export function contractValidator() {
  const { assertResponse } = contractAsserter('event-tracking-api');
  return async (method: string, response: Response): Promise<any> => {
    const text = await response.text();
    let body: unknown = text === '' ? undefined : text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON (metrics): validated as text
    }
    assertResponse(method, new URL(response.url).pathname, {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body,
    });
    return body;
  };
}

/** Validates a Kafka record value against a schema of the platform-events AsyncAPI document. */
export function eventValidator(schemaName: string) {
  const contract = loadContract('platform-events') as unknown as Record<
    string,
    unknown
  >;
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
