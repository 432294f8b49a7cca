import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadInfraEnv } from '@platform/local-infra';
import { createJwtIssuer, createKafka, ensureTopics } from '@platform/service-kit';
import { contractAsserter } from '@platform/service-kit/testing';

export { eventually } from '@platform/service-kit/testing';
import { createRecommendationService } from '../app';
import { eventTopics } from '../availability/StreamFollower';
import { loadRecommendationConfig } from '../config';

export const infra = loadInfraEnv();

export const uniqueSuffix = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;


/** The names one test run owns on the shared servers: topics, Redis keys, the MLflow registered model. */
export function testNames() {
  const run = `rec-test-${uniqueSuffix()}`;
  return {
    run,
    modelName: run,
    productsTopic: `${run}.products`,
    eventsPrefix: `${run}.events`,
    featurePrefix: `recommendation_test_${run}:`,
  };
}
export type TestNames = ReturnType<typeof testNames>;

const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const issuer = createJwtIssuer({ privateKeyPem: privateKey, issuer: 'user-service', audience: 'platform', ttlSeconds: 600 });
/** a token of the test signing key (standing in for the user service's) */
export const token = async (sub: string, roles: string[]) => (await issuer).sign({ sub, roles });

/** Creates the run's topics and gives a producer for them; `stop()` deletes the topics. */
export async function startTopics(names: TestNames) {
  const kafka = createKafka({ brokers: infra.KAFKA_BROKERS, clientId: names.run });
  const topics = [names.productsTopic, ...eventTopics(names.eventsPrefix)];
  await ensureTopics(kafka, topics.map(topic => ({ topic, numPartitions: 2 })));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return {
    async produce(topic: string, values: Array<{ key: string; value: unknown }>) {
      await producer.send({ topic, acks: -1, messages: values.map(({ key, value }) => ({ key, value: JSON.stringify(value) })) });
    },
    async stop() {
      await producer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: [...topics, ...topics.map(t => `${t}.dlq`)] }).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/**
 * A real recommendation service on the run's topics, Redis prefix and registered model, polling MLflow every
 * 200 ms (at `mlflowUrl`, e.g. a proxy the test can close). `stop()` stops it and deletes its Redis keys.
 */
export async function startRecommendation(names: TestNames, overrides: { mlflowUrl?: string; redisUrl?: string; env?: Record<string, string> } = {}) {
  const config = loadRecommendationConfig({
    ...infra,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MLFLOW_TRACKING_URI: overrides.mlflowUrl ?? infra.MLFLOW_TRACKING_URI,
    REDIS_URL: overrides.redisUrl ?? infra.REDIS_URL,
    MODEL_NAME: names.modelName,
    MODEL_POLL_INTERVAL_MS: '200',
    MODEL_LOAD_TIMEOUT_MS: '5000',
    PRODUCTS_TOPIC: names.productsTopic,
    EVENTS_TOPIC_PREFIX: names.eventsPrefix,
    RECOMMENDATION_CONSUMER_GROUP_PREFIX: names.run,
    FEATURE_KEY_PREFIX: names.featurePrefix,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    JWT_PUBLIC_KEY: publicKey,
    ...overrides.env,
  });
  const app = await createRecommendationService(config);
  const { url } = await app.start();
  const redis = new Redis(infra.REDIS_URL);

  return {
    app,
    config,
    url,
    redis,
    contract: contractAsserter('recommendation-api'),
    /** GET with a bearer token; the body parsed as JSON */
    async get(path: string, bearer?: string, headers: Record<string, string> = {}) {
      const res = await fetch(`${url}${path}`, { headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers } });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON (metrics)
      }
      return { status: res.status, headers: Object.fromEntries(res.headers), body: body as any };
    },
    /** the value of one sample of the service's /metrics, 0 when absent */
    async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
      const text = await app.service.metrics.registry.metrics();
      const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      const line = text
        .split('\n')
        .find(l => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every(w => l.includes(w)));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    },
    async stop() {
      await app.stop();
      const keys = await redis.keys(`${names.featurePrefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

export type RecommendationHarness = Awaited<ReturnType<typeof startRecommendation>>;
