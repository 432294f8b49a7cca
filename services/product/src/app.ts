import { Partitioners } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { z } from 'zod';
import {
  createKafka,
  createJwtVerifierFromEnv,
  jwtVerifierEnv,
  createService,
  loadServiceConfig,
  ensureTopics,
  requireAuth,
  type OutboxRelay,
} from '@platform/service-kit';
import { ProductStore } from './products/ProductStore';
import { StockReservations } from './stock/StockReservations';
import { createProductEventRelay } from './events/ProductEventRelay';
import { productEventMetrics } from './events/eventMetrics';
import { productRoutes } from './http/routes';

export const productConfigSchema = z.object({
  MONGODB_URI: z.string().min(1),
  MONGODB_DATABASE: z.string().min(1).default('products'),
  KAFKA_BROKERS: z.string().min(1),
  PRODUCTS_TOPIC: z.string().min(1).default('products'),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(250),
  /** How long a public list page may be served from memory; 0 turns the cache off. */
  PRODUCT_LIST_CACHE_MS: z.coerce.number().int().min(0).default(1000),
  ...jwtVerifierEnv,
});

export type ProductServiceConfig = ReturnType<typeof loadProductConfig>;

export function loadProductConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadServiceConfig(productConfigSchema, {
    SERVICE_NAME: 'product-service',
    PORT: '3002',
    ...env,
  });
}

/** Builds the product service (HTTP API, MongoDB store, outbox relay to Kafka) without starting it. */
export async function createProductService(config: ProductServiceConfig) {
  const mongo = new MongoClient(config.MONGODB_URI, {
    serverSelectionTimeoutMS: 5_000,
  });
  await mongo.connect();
  const db = mongo.db(config.MONGODB_DATABASE);
  const store = new ProductStore(db);
  await store.ensureIndexes();
  const reservations = new StockReservations(db, store);

  const verifier = await createJwtVerifierFromEnv(config);
  // The relay needs the service's logger, the routes need the relay: routes reach it through this holder.
  const relayHolder: { relay?: OutboxRelay } = {};
  const service = createService({
    name: 'product-service',
    version: '0.1.0',
    contract: 'product-api',
    config,
    readiness: {
      mongodb: async () => {
        await db.command({ ping: 1 });
      },
    },
    routes: router =>
      productRoutes(router, {
        store,
        reservations,
        requireAdmin: requireAuth(verifier, { roles: ['admin'] }),
        requireService: requireAuth(verifier, { roles: ['service', 'admin'] }),
        onChange: () => relayHolder.relay?.nudge(),
        listCacheMs: config.PRODUCT_LIST_CACHE_MS,
      }),
  });

  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'product-service',
    logger: service.logger,
  });
  const eventRelay = createProductEventRelay({
    store,
    metrics: productEventMetrics(service.metrics.registry, store),
    producer: kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    }),
    topic: config.PRODUCTS_TOPIC,
    logger: service.logger,
    pollIntervalMs: config.OUTBOX_POLL_MS,
  });
  relayHolder.relay = eventRelay;
  service.onShutdown(async () => {
    await eventRelay.stop();
    await mongo.close();
  });

  return {
    service,
    store,
    relay: eventRelay,
    db,
    /** Background work next to HTTP: the outbox relay (its topic is created when missing). */
    startWorkers() {
      // Writes do not need Kafka (changes wait in the outbox), so a broker that is down is no reason to fail.
      ensureTopics(kafka, [
        { topic: config.PRODUCTS_TOPIC, numPartitions: 3 },
      ]).catch(error =>
        service.logger.warn(
          { err: error },
          `could not ensure topic ${config.PRODUCTS_TOPIC}; the relay will retry`,
        ),
      );
      eventRelay.start();
    },
    /** Starts HTTP and the relay. */
    async start() {
      const address = await service.start();
      this.startWorkers();
      return address;
    },
    stop: () => service.stop(),
  };
}
