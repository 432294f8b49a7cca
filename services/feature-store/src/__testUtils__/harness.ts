import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadInfraEnv } from '@platform/local-infra';
import { createJwtIssuer, createKafka, ensureTopics } from '@platform/service-kit';
import { contractAsserter } from '@platform/service-kit/testing';
import { createFeatureStoreService } from '../app';
import { loadFeatureStoreConfig } from '../config';
import { interactionTopics } from '../features/FeatureConsumer';

export const infra = loadInfraEnv();

export const uniqueSuffix = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** Polls a condition (not a fixed sleep): resolves as soon as it holds, fails after the timeout. */
export { eventually } from '@platform/service-kit/testing';

/**
 * A real feature store on topics of its own (`fs-test-<run>.events.*`, `.orders`, `.products`), a Redis key prefix
 * of its own, and a signing key standing in for the user service's. `stop()` stops the service, then the test's
 * clients, then deletes the keys and topics.
 */
export async function startFeatureStore() {
  const run = `fs-test-${uniqueSuffix()}`;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const config = loadFeatureStoreConfig({
    ...infra,
    PORT: '0',
    LOG_LEVEL: 'silent',
    EVENTS_TOPIC_PREFIX: `${run}.events`,
    ORDERS_TOPIC: `${run}.orders`,
    PRODUCTS_TOPIC: `${run}.products`,
    FEATURE_CONSUMER_GROUP: run,
    FEATURE_KEY_PREFIX: `feature-store_test_${run}:`,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    JWT_PUBLIC_KEY: publicKey,
  });
  const kafka = createKafka({ brokers: infra.KAFKA_BROKERS, clientId: run });
  const topics = [...interactionTopics(config.EVENTS_TOPIC_PREFIX), config.ORDERS_TOPIC, config.PRODUCTS_TOPIC];
  await ensureTopics(kafka, topics.map(topic => ({ topic, numPartitions: 2 })));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const redis = new Redis(infra.REDIS_URL);
  const app = await createFeatureStoreService(config);
  await app.start();
  const issuer = await createJwtIssuer({ privateKeyPem: privateKey, issuer: 'user-service', audience: 'platform', ttlSeconds: 300 });

  return {
    app,
    config,
    redis,
    contract: contractAsserter('feature-store-api'),
    token: (sub: string, roles: string[]) => issuer.sign({ sub, roles }),
    async produce(topic: string, values: Array<{ key: string; value: unknown }>) {
      await producer.send({
        topic,
        acks: -1,
        messages: values.map(({ key, value }) => ({ key, value: JSON.stringify(value) })),
      });
    },
    async stop() {
      await app.stop();
      await producer.disconnect();
      const keys = await redis.keys(`${config.FEATURE_KEY_PREFIX}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteGroups([run]).catch(() => undefined);
        await admin.deleteTopics({ topics: [...topics, ...topics.map(t => `${t}.dlq`)] }).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  };
}

export type FeatureStoreHarness = Awaited<ReturnType<typeof startFeatureStore>>;
