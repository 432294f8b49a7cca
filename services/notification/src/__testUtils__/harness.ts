import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import supertest from 'supertest';
import { loadInfraEnv, startTwilioRecorder } from '@platform/local-infra';
import {
  createJwtIssuer,
  createKafka,
  type ConsumedMessage,
} from '@platform/service-kit';
import { contractAsserter, testDatabase } from '@platform/service-kit/testing';
import { createUserService, loadUserConfig } from '@platform/user-service';
import { createNotificationService } from '../app';
import { loadNotificationConfig } from '../config';
import type { Notification } from '../notifications/model';
import type { OrderEvent } from '../orders/orderEvent';

export const infra = loadInfraEnv();
export { eventually } from '@platform/service-kit/testing';

const suffix = () =>
  `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export interface MailpitMessage {
  ID: string;
  MessageID: string;
  Subject: string;
  To: Array<{ Address: string }>;
}

/** Mailpit's API: what arrived for an address (the independent view of what the service sent). */
export function mailpit(baseUrl: string) {
  return {
    async messagesTo(address: string): Promise<MailpitMessage[]> {
      const response = await fetch(
        `${baseUrl}/api/v1/search?query=${encodeURIComponent(
          `to:"${address}"`,
        )}`,
      );
      if (!response.ok)
        throw new Error(`Mailpit search answered ${response.status}`);
      return ((await response.json()) as { messages: MailpitMessage[] })
        .messages;
    },
    async text(
      id: string,
    ): Promise<{ Text: string; HTML: string; Subject: string }> {
      const response = await fetch(`${baseUrl}/api/v1/message/${id}`);
      return (await response.json()) as {
        Text: string;
        HTML: string;
        Subject: string;
      };
    },
    async remove(ids: string[]) {
      if (!ids.length) return;
      await fetch(`${baseUrl}/api/v1/messages`, {
        method: 'DELETE',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ IDs: ids }),
      });
    },
  };
}

export interface HarnessOptions {
  /** SMTP server of this run (default Mailpit of `yarn infra`) and the Mailpit API that shows what arrived */
  smtpUrl?: string;
  mailpitUrl?: string;
  env?: Record<string, string>;
}

/**
 * A real notification service on a database, topics and a consumer group of its own, beside the real user service
 * (its own database), Mailpit of `yarn infra` for e-mail and the Twilio recorder for SMS. `stop()` stops both
 * services, drops the databases and deletes the topics and the group.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const run = `nt-${suffix()}`;
  const keys = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const usersDb = await testDatabase(infra.DATABASE_URL, 'users_test');
  const users = await createUserService(
    loadUserConfig({
      DATABASE_URL: infra.DATABASE_URL,
      USERS_DATABASE: usersDb.name,
      JWT_PRIVATE_KEY: keys.privateKey,
      BCRYPT_COST: '4',
      LOG_LEVEL: 'silent',
      PORT: '0',
    }),
  );
  usersDb.closeBeforeDrop(() => users.stop());
  const usersUrl = (await users.start()).url;

  const twilio = await startTwilioRecorder();
  const db = await testDatabase(infra.DATABASE_URL, 'notification_test');
  const config = loadNotificationConfig({
    DATABASE_URL: infra.DATABASE_URL,
    NOTIFICATIONS_DATABASE: db.name,
    KAFKA_BROKERS: infra.KAFKA_BROKERS,
    ORDERS_TOPIC: `${run}.orders`,
    NOTIFICATIONS_DLQ_TOPIC: `${run}.notifications.dlq`,
    NOTIFICATION_CONSUMER_GROUP: run,
    ORDERS_CONSUMER_RETRIES: '2',
    ORDERS_START_FROM: 'earliest',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    USER_SERVICE_URL: usersUrl,
    JWT_PUBLIC_KEY: keys.publicKey,
    SERVICE_JWT_PRIVATE_KEY: keys.privateKey,
    SMTP_URL: options.smtpUrl ?? infra.SMTP_URL,
    TWILIO_API_URL: twilio.url,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: '+15005550006',
    DELIVERY_MAX_ATTEMPTS: '4',
    DELIVERY_BACKOFF_INITIAL_MS: '200',
    DELIVERY_BACKOFF_MAX_MS: '1000',
    DELIVERY_POLL_MS: '100',
    PROVIDER_TIMEOUT_MS: '3000',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...options.env,
  });
  const app = await createNotificationService(config);
  db.closeBeforeDrop(() => app.stop());
  await app.start();

  const kafka = createKafka({ brokers: infra.KAFKA_BROKERS, clientId: run });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const issuer = await createJwtIssuer({
    privateKeyPem: keys.privateKey,
    issuer: 'user-service',
    audience: 'platform',
    ttlSeconds: 300,
  });
  const http = supertest(app.service.app);
  const contract = contractAsserter('notification-api');
  const mail = mailpit(options.mailpitUrl ?? infra.MAILPIT_URL);

  return {
    app,
    config,
    db,
    twilio,
    mail,
    http,
    contract,
    token: (roles: string[], sub = 'test-admin') => issuer.sign({ sub, roles }),

    /** a buyer registered with the user service, with the channels (and phone) given */
    async newBuyer(
      preferences: {
        notificationChannels?: Array<'email' | 'sms'>;
        phone?: string;
      } = {},
      email = `buyer-${randomUUID()}@example.com`,
    ) {
      const response = await fetch(`${usersUrl}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email,
          password: `pw-${randomUUID()}`,
          name: 'Test Buyer',
          preferences,
        }),
      });
      if (response.status !== 201)
        throw new Error(
          `registering a buyer: ${response.status} ${await response.text()}`,
        );
      const user = (await response.json()) as { id: string };
      return { id: user.id, email, phone: preferences.phone };
    },

    paidOrder(userId: string, overrides: Partial<OrderEvent> = {}): OrderEvent {
      return {
        eventId: randomUUID(),
        orderId: randomUUID(),
        userId,
        total: 32.47,
        currency: 'EUR',
        status: 'paid',
        items: [
          { productId: 'espresso-cups', quantity: 2, price: 9.99 },
          { productId: 'milk-jug', quantity: 1, price: 12.49 },
        ],
        occurredAt: new Date().toISOString(),
        ...overrides,
      };
    },

    /** as checkout's outbox relay publishes: keyed by order id, event id in a header */
    async publish(...events: Array<OrderEvent | Record<string, unknown>>) {
      await producer.send({
        topic: config.ORDERS_TOPIC,
        acks: -1,
        messages: events.map(event => ({
          key: String(event.orderId ?? 'x'),
          value: JSON.stringify(event),
          headers: { 'event-id': String(event.eventId ?? '') },
        })),
      });
    },

    async notificationsOfOrder(orderId: string): Promise<Notification[]> {
      const { rows } = await db
        .pool()
        .query<{ id: string }>(
          'SELECT id FROM notifications WHERE order_id = $1 ORDER BY channel',
          [orderId],
        );
      return Promise.all(rows.map(async row => (await app.store.get(row.id))!));
    },

    /** a counter of the service's /metrics, 0 when absent */
    async metric(
      name: string,
      labels: Record<string, string> = {},
    ): Promise<number> {
      const text = (await http.get('/metrics')).text;
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `))
          continue;
        if (
          Object.entries(labels).every(([key, value]) =>
            line.includes(`${key}="${value}"`),
          )
        )
          sum += Number(line.split(' ').pop());
      }
      return sum;
    },

    /** every record on a topic so far (dead letters), read by a consumer of the test's own */
    async readTopic(
      topic: string,
      expected: number,
    ): Promise<Array<ConsumedMessage<Record<string, unknown>>>> {
      const consumer = kafka.consumer({ groupId: `${run}-reader-${suffix()}` });
      const seen: Array<ConsumedMessage<Record<string, unknown>>> = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `only ${seen.length} of ${expected} records on ${topic}`,
              ),
            ),
          20_000,
        );
        consumer
          .run({
            eachMessage: async ({ message, partition }) => {
              seen.push({
                topic,
                partition,
                offset: message.offset,
                key: message.key?.toString() ?? null,
                value: JSON.parse(message.value?.toString() ?? 'null'),
                headers: Object.fromEntries(
                  Object.entries(message.headers ?? {}).map(([k, v]) => [
                    k,
                    String(v),
                  ]),
                ),
                timestamp: message.timestamp,
              });
              if (seen.length >= expected) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
      return seen;
    },

    async stop() {
      await producer.disconnect().catch(() => undefined);
      await db.drop();
      await usersDb.drop();
      await twilio.close();
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteGroups([run]).catch(() => undefined);
        const topics = (await admin.listTopics()).filter(topic =>
          topic.startsWith(`${run}.`),
        );
        await admin.deleteTopics({ topics }).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
