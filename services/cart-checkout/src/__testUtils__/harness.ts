import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createJwtIssuer } from '@platform/service-kit';
import { testDatabase } from '@platform/service-kit/testing';
import {
  createProductService,
  loadProductConfig,
} from '@platform/product-service';
import {
  contractValidator,
  createTopics,
  deleteTopics,
  infraEnv,
  testKafka,
  testKeyPair,
  uniqueSuffix,
} from '@platform/product-service/src/__testUtils__/testSupport';
import { createCartCheckoutService, loadCartCheckoutConfig } from '../app';

export interface HarnessOptions {
  /** Brokers for the outbox relay only (e.g. a closed port to simulate a Kafka outage). */
  outboxKafkaBrokers?: string;
  notificationServiceUrl?: string;
}

/**
 * A real product-service (FerretDB + Kafka) and a real cart-checkout-service (PostgreSQL + Kafka),
 * each on its own database and topics, so test files can run in parallel with anyone else's.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const env = infraEnv();
  const suffix = uniqueSuffix();
  const productDatabase = `product_test_${suffix}`;
  const productsTopic = `products.test-${suffix}`;
  const ordersTopic = `orders.test-${suffix}`;
  const keys = testKeyPair();
  const kafka = testKafka('cart-checkout-test');
  await createTopics(kafka, [productsTopic, ordersTopic]);
  const ordersDb = await testDatabase(env.DATABASE_URL, 'orders_test');

  const product = await createProductService(
    loadProductConfig({
      ...env,
      PORT: '0',
      LOG_LEVEL: 'error',
      MONGODB_DATABASE: productDatabase,
      PRODUCTS_TOPIC: productsTopic,
      JWT_PUBLIC_KEY: keys.publicKeyPem,
    }),
  );
  const productUrl = (await product.start()).url;

  const startCartCheckout = async (instance: HarnessOptions) => {
    const app = await createCartCheckoutService(
      loadCartCheckoutConfig({
        ...env,
        PORT: '0',
        LOG_LEVEL: 'error',
        ORDERS_DATABASE: ordersDb.name,
        ORDERS_TOPIC: ordersTopic,
        OUTBOX_POLL_MS: '100',
        ...(instance.outboxKafkaBrokers
          ? { OUTBOX_KAFKA_BROKERS: instance.outboxKafkaBrokers }
          : {}),
        ...(instance.notificationServiceUrl
          ? { NOTIFICATION_SERVICE_URL: instance.notificationServiceUrl }
          : {}),
        PRODUCT_SERVICE_URL: productUrl,
        JWT_PUBLIC_KEY: keys.publicKeyPem,
        SERVICE_JWT_PRIVATE_KEY: keys.privateKeyPem,
      }),
    );
    return { app, url: (await app.start()).url };
  };
  let { app: cartCheckout, url: baseUrl } = await startCartCheckout(options);

  const issuer = await createJwtIssuer({
    privateKeyPem: keys.privateKeyPem,
    issuer: 'user-service',
    audience: 'platform',
    ttlSeconds: 600,
  });
  const adminToken = await issuer.sign({
    sub: randomUUID(),
    roles: ['admin'],
    email: 'admin@example.com',
  });
  const ordersPool = ordersDb.pool({ max: 2 });

  async function newCustomer() {
    const userId = randomUUID();
    return {
      userId,
      token: await issuer.sign({
        sub: userId,
        roles: ['customer'],
        email: `${userId}@example.com`,
      }),
    };
  }

  async function call(
    method: string,
    path: string,
    request: {
      token?: string;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    const headers: Record<string, string> = { ...request.headers };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    if (request.body !== undefined || request.rawBody !== undefined)
      headers['content-type'] = 'application/json';
    return fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body:
        request.rawBody ??
        (request.body === undefined ? undefined : JSON.stringify(request.body)),
    });
  }

  async function createProduct(
    body: Record<string, unknown>,
  ): Promise<{ id: string; price: number; stock: number }> {
    const response = await fetch(`${productUrl}/products`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (response.status !== 201)
      throw new Error(
        `creating a product failed: ${
          response.status
        } ${await response.text()}`,
      );
    return response.json();
  }

  async function stockOf(productId: string): Promise<number> {
    const response = await fetch(`${productUrl}/products/${productId}`);
    return (await response.json()).stock;
  }

  /** Stops this instance (as a crash would, from the database's point of view) and starts another on the same database. */
  async function restartCartCheckout(instance: HarnessOptions = {}) {
    await cartCheckout.stop();
    ({ app: cartCheckout, url: baseUrl } = await startCartCheckout(instance));
  }

  /** Services first (their relays, consumers and pools), then the test's own pool, then databases and topics. */
  async function stop() {
    await cartCheckout.stop();
    await product.stop();
    await ordersDb.drop();
    const mongo = new MongoClient(env.MONGODB_URI);
    await mongo.connect();
    await mongo.db(productDatabase).dropDatabase();
    await mongo.close();
    await deleteTopics(kafka, [productsTopic, ordersTopic]);
  }

  return {
    get baseUrl() {
      return baseUrl;
    },
    productUrl,
    ordersTopic,
    kafka,
    adminToken,
    ordersPool,
    get cartCheckout() {
      return cartCheckout;
    },
    restartCartCheckout,
    expectContract: contractValidator('cart-checkout-api'),
    newCustomer,
    call,
    createProduct,
    stockOf,
    stop,
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
