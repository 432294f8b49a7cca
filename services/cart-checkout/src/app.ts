import { Partitioners } from 'kafkajs';
import { z } from 'zod';
import {
  createHttpClient,
  createJwtIssuer,
  createJwtVerifierFromEnv,
  jwtVerifierEnv,
  pemFromEnv,
  createKafka,
  createPool,
  createService,
  loadServiceConfig,
  databaseUrl,
  ensureDatabase,
  ensureTopics,
  migrate,
  requireAuth,
} from '@platform/service-kit';
import { migrations } from './db/migrations';
import { CheckoutService } from './checkout/CheckoutService';
import { ReservationSweeper } from './checkout/ReservationSweeper';
import {
  httpProductCatalog,
  serviceCaller,
} from './clients/httpProductCatalog';
import { createOrderOutboxRelay, type OrderOutboxRelay } from './outbox/OutboxRelay';
import { kafkaSink, notificationSink, stockReleaseSink } from './outbox/sinks';
import { outboxMetrics } from './outbox/outboxMetrics';
import { cartCheckoutRoutes } from './http/routes';

export const cartCheckoutConfigSchema = z.object({
  DATABASE_URL: z.string().min(1),
  ORDERS_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('orders'),
  KAFKA_BROKERS: z.string().min(1),
  /** Brokers the outbox relay publishes to; defaults to KAFKA_BROKERS. */
  OUTBOX_KAFKA_BROKERS: z.string().min(1).optional(),
  ORDERS_TOPIC: z.string().min(1).default('orders'),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(250),
  PRODUCT_SERVICE_URL: z.string().url().default('http://127.0.0.1:3002'),
  /** Unset: notifications wait in the outbox until it is configured. */
  NOTIFICATION_SERVICE_URL: z.string().url().optional(),
  ...jwtVerifierEnv,
  /** Signs the short-lived `service` token this service presents to product- and notification-service. */
  SERVICE_JWT_PRIVATE_KEY: pemFromEnv,
  CHECKOUT_LOCK_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** A reservation whose checkout has not committed after this long is given back. */
  RESERVATION_ABANDONED_AFTER_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(300_000),
  RESERVATION_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(60_000),
});

export function loadCartCheckoutConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadServiceConfig(cartCheckoutConfigSchema, {
    SERVICE_NAME: 'cart-checkout-service',
    PORT: '3006',
    ...env,
  });
}

export type CartCheckoutConfig = ReturnType<typeof loadCartCheckoutConfig>;

/** Builds cart & checkout (HTTP API, PostgreSQL, outbox relays) without starting it. */
export async function createCartCheckoutService(config: CartCheckoutConfig) {
  await ensureDatabase(config.DATABASE_URL, config.ORDERS_DATABASE);
  const connectionString = databaseUrl(
    config.DATABASE_URL,
    config.ORDERS_DATABASE,
  );
  // an idle connection dropped by the server is replaced on next use; it is logged once the service's logger exists
  let onIdleError: (error: Error) => void = () => undefined;
  const idle = { onIdleError: (error: Error) => onIdleError(error) };
  const pool = createPool(connectionString, { max: 20, ...idle });
  const intentsPool = createPool(connectionString, { max: 2, ...idle });
  await migrate(pool, migrations);

  const verifier = await createJwtVerifierFromEnv(config);
  const serviceTokens = await createJwtIssuer({
    privateKeyPem: config.SERVICE_JWT_PRIVATE_KEY,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: 300,
  });
  const products = createHttpClient({
    baseUrl: config.PRODUCT_SERVICE_URL,
    timeoutMs: 3_000,
    retries: 2,
    backoffMs: 100,
    name: 'product-service',
  });
  const catalog = httpProductCatalog(products, serviceTokens);

  const relays: OrderOutboxRelay[] = [];
  const nudge = () => relays.forEach(relay => relay.nudge());
  const checkout = new CheckoutService({
    pool,
    catalog,
    intentsPool,
    ordersTopic: config.ORDERS_TOPIC,
    onOutboxWrite: nudge,
    lockTimeoutMs: config.CHECKOUT_LOCK_TIMEOUT_MS,
  });

  const service = createService({
    name: 'cart-checkout-service',
    version: '0.1.0',
    contract: 'cart-checkout-api',
    config,
    readiness: {
      postgres: async () => {
        await pool.query('SELECT 1');
      },
    },
    routes: router =>
      cartCheckoutRoutes(router, {
        checkout,
        requireUser: requireAuth(verifier),
      }),
  });
  onIdleError = error => service.logger.warn({ err: error }, 'idle PostgreSQL connection lost');

  const kafka = createKafka({
    brokers: config.OUTBOX_KAFKA_BROKERS ?? config.KAFKA_BROKERS,
    clientId: 'cart-checkout-outbox',
    logger: service.logger,
    // Fail fast and let the relay's own backoff retry: rows wait safely in the outbox meanwhile.
    config: {
      connectionTimeout: 2_000,
      retry: { retries: 2, initialRetryTime: 200 },
    },
  });
  const relayMetrics = outboxMetrics(service.metrics.registry, pool);
  relays.push(
    createOrderOutboxRelay({
      pool,
      metrics: relayMetrics('kafka'),
      sink: kafkaSink(
        kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
        }),
      ),
      logger: service.logger,
      pollIntervalMs: config.OUTBOX_POLL_MS,
    }),
    createOrderOutboxRelay({
      pool,
      metrics: relayMetrics('stock-release'),
      sink: stockReleaseSink(serviceCaller(products, serviceTokens)),
      logger: service.logger,
      pollIntervalMs: config.OUTBOX_POLL_MS,
    }),
  );
  if (config.NOTIFICATION_SERVICE_URL) {
    const notifications = createHttpClient({
      baseUrl: config.NOTIFICATION_SERVICE_URL,
      timeoutMs: 3_000,
      retries: 0,
      backoffMs: 100,
      name: 'notification-service',
    });
    relays.push(
      createOrderOutboxRelay({
        pool,
        metrics: relayMetrics('notification'),
        sink: notificationSink(serviceCaller(notifications, serviceTokens)),
        logger: service.logger,
        pollIntervalMs: config.OUTBOX_POLL_MS,
      }),
    );
  }

  const sweeper = new ReservationSweeper({
    pool,
    catalog,
    logger: service.logger,
    abandonedAfterMs: config.RESERVATION_ABANDONED_AFTER_MS,
    intervalMs: config.RESERVATION_SWEEP_INTERVAL_MS,
  });

  service.onShutdown(async () => {
    await sweeper.stop();
    await Promise.all(relays.map(relay => relay.stop()));
    await Promise.all([pool.end(), intentsPool.end()]);
  });

  return {
    service,
    pool,
    checkout,
    relays,
    sweeper,
    /** Background work next to HTTP: the outbox relays. */
    startWorkers() {
      // The relay retries until Kafka answers, so a broker that is down at start-up is no reason to fail.
      ensureTopics(kafka, [
        { topic: config.ORDERS_TOPIC, numPartitions: 3 },
      ]).catch(error =>
        service.logger.warn(
          { err: error },
          `could not ensure topic ${config.ORDERS_TOPIC}; the relay will retry`,
        ),
      );
      relays.forEach(relay => relay.start());
      sweeper.start();
    },
    async start() {
      const address = await service.start();
      this.startWorkers();
      return address;
    },
    stop: () => service.stop(),
  };
}
