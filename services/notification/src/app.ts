import { Partitioners } from 'kafkajs';
import {
  createHttpClient,
  createJwtVerifierFromEnv,
  createKafka,
  createPool,
  createService,
  createServiceTokenSource,
  databaseUrl,
  ensureDatabase,
  ensureTopics,
  migrate,
  requireAuth,
  type OutboxRelay,
  type Service,
} from '@platform/service-kit';
import { smtpEmailSender } from './channels/smtpEmail';
import { twilioSmsSender, unconfiguredSmsSender } from './channels/twilioSms';
import type { ChannelSender } from './channels/types';
import type { NotificationConfig } from './config';
import { migrations } from './db/migrations';
import { createDeadLetterRelay } from './delivery/DeadLetterRelay';
import { createDeliveryRelay } from './delivery/DeliveryRelay';
import { notificationRoutes } from './http/routes';
import { notificationMetrics } from './metrics';
import { NotificationStore } from './notifications/NotificationStore';
import { OrderConsumer } from './orders/OrderConsumer';
import { UserDirectory } from './users/UserDirectory';

export interface NotificationService {
  service: Service<NotificationConfig>;
  store: NotificationStore;
  consumer: OrderConsumer;
  delivery: OutboxRelay;
  /** creates missing topics, starts the delivery loops and the orders consumer (readiness reports it until it joined) */
  startWorkers(): Promise<void>;
  /** HTTP on PORT, then the workers */
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

/** Builds the notification service (HTTP API, PostgreSQL, the orders consumer, delivery and dead letters) without starting it. */
export async function createNotificationService(
  config: NotificationConfig,
): Promise<NotificationService> {
  await ensureDatabase(config.DATABASE_URL, config.NOTIFICATIONS_DATABASE);
  // an idle connection dropped by the server is replaced on next use; it is logged once the service's logger exists
  let onIdleError: (error: Error) => void = () => undefined;
  const pool = createPool(
    databaseUrl(config.DATABASE_URL, config.NOTIFICATIONS_DATABASE),
    {
      max: config.DB_POOL_MAX,
      onIdleError: error => onIdleError(error),
    },
  );
  await migrate(pool, migrations);
  const store = new NotificationStore(pool);
  const verifier = await createJwtVerifierFromEnv(config);
  const serviceToken = await createServiceTokenSource({
    privateKeyPem: config.SERVICE_JWT_PRIVATE_KEY,
    subject: 'notification-service',
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  const users = new UserDirectory(
    createHttpClient({
      name: 'user-service',
      baseUrl: config.USER_SERVICE_URL,
      timeoutMs: 3_000,
      retries: 2,
      backoffMs: 100,
    }),
    serviceToken,
  );

  let email: ChannelSender | undefined;
  let consumer: OrderConsumer | undefined;
  let delivery: OutboxRelay | undefined;
  let deadLetters: OutboxRelay | undefined;
  const service = createService({
    name: 'notification-service',
    version: '0.1.0',
    contract: 'notification-api',
    config,
    readiness: {
      postgres: async () => {
        await pool.query('SELECT 1');
      },
      kafka: async () => consumer!.check(),
      smtp: () => email!.check!(),
    },
    routes(router, { logger, metrics: serviceMetrics, onShutdown }) {
      onShutdown(() => pool.end());
      const metrics = notificationMetrics(serviceMetrics.registry, store);
      email = smtpEmailSender({
        url: config.SMTP_URL,
        from: config.EMAIL_FROM,
        poolSize: config.SMTP_POOL_SIZE,
        timeoutMs: config.PROVIDER_TIMEOUT_MS,
        logger,
      });
      const sms =
        config.TWILIO_ACCOUNT_SID &&
        config.TWILIO_AUTH_TOKEN &&
        config.TWILIO_FROM
          ? twilioSmsSender({
              apiUrl: config.TWILIO_API_URL,
              accountSid: config.TWILIO_ACCOUNT_SID,
              authToken: config.TWILIO_AUTH_TOKEN,
              from: config.TWILIO_FROM,
              timeoutMs: config.PROVIDER_TIMEOUT_MS,
            })
          : unconfiguredSmsSender();
      onShutdown(async () => email!.close!());
      const kafka = createKafka({
        brokers: config.KAFKA_BROKERS,
        clientId: 'notification-service',
        logger,
      });
      deadLetters = createDeadLetterRelay({
        store,
        producer: kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
        }),
        topic: config.NOTIFICATIONS_DLQ_TOPIC,
        consumerGroup: config.NOTIFICATION_CONSUMER_GROUP,
        metrics,
        logger,
        pollIntervalMs: config.DELIVERY_POLL_MS,
      });
      delivery = createDeliveryRelay({
        store,
        senders: { email, sms },
        metrics,
        logger,
        maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
        backoff: {
          initialMs: config.DELIVERY_BACKOFF_INITIAL_MS,
          maxMs: config.DELIVERY_BACKOFF_MAX_MS,
        },
        batchSize: config.DELIVERY_BATCH_SIZE,
        pollIntervalMs: config.DELIVERY_POLL_MS,
        onFailed: () => deadLetters!.nudge(),
      });
      // registered after the pool: hooks run last-registered first, so the loops stop before PostgreSQL closes
      onShutdown(() => deadLetters!.stop());
      onShutdown(() => delivery!.stop());
      consumer = new OrderConsumer({
        kafka,
        groupId: config.NOTIFICATION_CONSUMER_GROUP,
        topic: config.ORDERS_TOPIC,
        store,
        users,
        metrics,
        registry: serviceMetrics.registry,
        logger,
        retries: config.ORDERS_CONSUMER_RETRIES,
        fromBeginning: config.ORDERS_START_FROM === 'earliest',
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        onShutdown,
        onQueued: () => delivery!.nudge(),
      });
      notificationRoutes(router, {
        store,
        requireStaff: requireAuth(verifier, { roles: ['admin', 'service'] }),
        onQueued: () => delivery!.nudge(),
      });
    },
  });
  onIdleError = error =>
    service.logger.warn({ err: error }, 'idle PostgreSQL connection lost');

  const admin = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'notification-service-admin',
    logger: service.logger,
  });
  const startWorkers = async () => {
    // checkout creates `orders` too; creating it when missing lets this service start first
    await ensureTopics(admin, [
      { topic: config.ORDERS_TOPIC, numPartitions: 3 },
      { topic: config.NOTIFICATIONS_DLQ_TOPIC, numPartitions: 1 },
    ]);
    delivery!.start();
    deadLetters!.start();
    await consumer!.start();
  };
  return {
    service,
    store,
    consumer: consumer!,
    delivery: delivery!,
    startWorkers,
    async start() {
      const address = await service.start();
      await startWorkers();
      return address;
    },
    stop: () => service.stop(),
  };
}
