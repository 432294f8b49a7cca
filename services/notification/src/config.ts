import { z } from 'zod';
import {
  jwtVerifierEnv,
  loadServiceConfig,
  pemFromEnv,
} from '@platform/service-kit';

const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

export const notificationConfigSchema = z.object({
  DATABASE_URL: z.string().min(1),
  NOTIFICATIONS_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('notifications'),
  DB_POOL_MAX: positiveInt(10),

  KAFKA_BROKERS: z.string().min(1),
  ORDERS_TOPIC: z.string().min(1).default('orders'),
  NOTIFICATION_CONSUMER_GROUP: z
    .string()
    .min(1)
    .default('notification-service'),
  /** Where notifications that used up their attempts are parked, with the reason. */
  NOTIFICATIONS_DLQ_TOPIC: z.string().min(1).default('notifications.dlq'),
  /** Retries of an order batch the service could not record (user service or PostgreSQL down) before the kit dead-letters it. */
  ORDERS_CONSUMER_RETRIES: positiveInt(10),
  KAFKA_SESSION_TIMEOUT_MS: positiveInt(30_000),
  /**
   * Where a consumer group that has no committed offsets yet starts: `latest` (a first deployment does not confirm
   * the orders of the topic's whole retention again) or `earliest` (a fresh topic, as in the tests).
   */
  ORDERS_START_FROM: z.enum(['latest', 'earliest']).default('latest'),

  /** The user service: e-mail address, phone and `preferences.notificationChannels` of the buyer. */
  USER_SERVICE_URL: z.string().url().default('http://127.0.0.1:3001'),
  ...jwtVerifierEnv,
  /** Signs the short-lived `service` token this service presents to the user service. */
  SERVICE_JWT_PRIVATE_KEY: pemFromEnv,

  /** smtp://[user:password@]host:port (smtps:// for implicit TLS); `yarn infra up` writes Mailpit's. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL'),
  /** Concurrent SMTP connections of this instance (nodemailer's pool). */
  SMTP_POOL_SIZE: positiveInt(5),
  EMAIL_FROM: z
    .string()
    .min(3)
    .default('Storefront <orders@storefront.example>'),

  /** Twilio's API (https://api.twilio.com), or a recorder of its Messages API in tests. */
  TWILIO_API_URL: z.string().url().default('https://api.twilio.com'),
  /** Unset: SMS cannot be sent, and SMS notifications fail with that reason. */
  TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  /** The sending number (E.164). */
  TWILIO_FROM: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/)
    .optional(),

  PROVIDER_TIMEOUT_MS: positiveInt(10_000),
  /** Attempts of one notification before it is failed and dead-lettered. */
  DELIVERY_MAX_ATTEMPTS: positiveInt(8),
  /** Exponential backoff between attempts (jittered): first wait, and the cap. */
  DELIVERY_BACKOFF_INITIAL_MS: positiveInt(1_000),
  DELIVERY_BACKOFF_MAX_MS: positiveInt(300_000),
  /** Notifications one pass claims and sends at once. */
  DELIVERY_BATCH_SIZE: positiveInt(20),
  DELIVERY_POLL_MS: positiveInt(500),
});

export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadServiceConfig(notificationConfigSchema, {
    SERVICE_NAME: 'notification-service',
    PORT: '3008',
    ...env,
  });
}

export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;
