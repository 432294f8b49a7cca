import { APIRequestContext, APIResponse, expect } from '@playwright/test';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** The storefront as a shopper's client sees it: every call goes through the API gateway, nothing around it. */
export class Storefront {
  private accessToken?: string;

  constructor(
    private readonly request: APIRequestContext,
    readonly gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080',
  ) {}

  private url(path: string): string {
    return `${this.gatewayUrl}${path}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.accessToken ? { Authorization: `Bearer ${this.accessToken}` } : {}), ...extra };
  }

  async register(): Promise<{ id: string; email: string; password: string }> {
    const email = `shopper-${randomUUID()}@example.com`;
    const password = `pw-${randomUUID()}`;
    const response = await this.request.post(this.url('/users'), { data: { email, password, name: 'Journey Shopper' } });
    await expectStatus(response, 201);
    return { id: (await response.json()).id, email, password };
  }

  async logIn(email: string, password: string): Promise<void> {
    const response = await this.request.post(this.url('/auth/login'), { data: { email, password } });
    await expectStatus(response, 200);
    this.accessToken = (await response.json()).accessToken;
  }

  async browse(query: Record<string, string> = {}): Promise<Array<{ id: string; name: string; stock: number; price: number }>> {
    const response = await this.request.get(this.url('/products'), { params: query, headers: this.headers() });
    await expectStatus(response, 200);
    return (await response.json()).items;
  }

  async search(q: string): Promise<Array<{ id: string; name: string }>> {
    const response = await this.request.get(this.url('/search'), { params: { q }, headers: this.headers() });
    await expectStatus(response, 200);
    return (await response.json()).items;
  }

  async addToCart(productId: string, quantity: number): Promise<{ items: Array<{ productId: string; quantity: number }>; total: number }> {
    const response = await this.request.post(this.url('/cart'), { data: { productId, quantity }, headers: this.headers() });
    await expectStatus(response, 201);
    return response.json();
  }

  /** POST /checkout; the caller checks the status (201 first, 200 on a retry with the same key). */
  checkout(idempotencyKey: string): Promise<APIResponse> {
    return this.request.post(this.url('/checkout'), { headers: this.headers({ 'Idempotency-Key': idempotencyKey }) });
  }

  /** POST /events through the gateway; signed in when logged in, else anonymous with the event's sessionId. */
  async track(events: Array<Record<string, unknown>>, options: { anonymous?: boolean } = {}): Promise<{ accepted: number; eventIds: string[] }> {
    const headers = options.anonymous ? {} : this.headers();
    const response = await this.request.post(this.url('/events'), { data: { events }, headers });
    await expectStatus(response, 202);
    return response.json();
  }

  /** GET /recommendations through the gateway (which adds the caller's experiment variant). */
  async recommendations(userId: string, topK: number): Promise<{
    userId: string;
    items: Array<{ productId: string; score: number }>;
    modelVersion: string;
    model: { name: string; version: string; alias: string };
    variant: string;
    source: string;
    fallbacks: string[];
  }> {
    const response = await this.request.get(this.url('/recommendations'), { params: { userId, topK: String(topK) }, headers: this.headers() });
    await expectStatus(response, 200);
    return response.json();
  }

  async product(id: string): Promise<{ id: string; stock: number; status: string }> {
    const response = await this.request.get(this.url(`/products/${id}`), { headers: this.headers() });
    await expectStatus(response, 200);
    return response.json();
  }

  async order(id: string): Promise<{ id: string; userId: string; status: string; total: number; items: unknown[] }> {
    const response = await this.request.get(this.url(`/orders/${id}`), { headers: this.headers() });
    await expectStatus(response, 200);
    return response.json();
  }
}

async function expectStatus(response: APIResponse, status: number): Promise<void> {
  // the body in the message makes a failure say why (the problem document's detail)
  expect(response.status(), `${response.url()} answered: ${await response.text()}`).toBe(status);
}

/** An independent reader of topics: its own consumer group, reading what is written from now on. */
export async function watchTopics(topics: string[]) {
  const kafka = new Kafka({
    clientId: 'storefront-journey',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `storefront-journey-${randomUUID()}` });
  const seen: Array<{ topic: string; key: string; value: Record<string, unknown> }> = [];
  // the ends of the topics now: the reader starts there instead of reading everything earlier runs left
  const admin = kafka.admin();
  await admin.connect();
  const ends = await Promise.all(topics.map(async topic => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })));
  await admin.disconnect();
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      seen.push({ topic, key: message.key?.toString() ?? '', value: JSON.parse(message.value?.toString() ?? 'null') });
    },
  });
  for (const { topic, partitions } of ends) {
    for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
  }
  return {
    ordersFor: (orderId: string) => seen.filter(m => m.topic === 'orders' && m.value?.orderId === orderId),
    trackedEvent: (eventId: string) => seen.find(m => m.topic.startsWith('events.') && m.value?.eventId === eventId),
    close: () => consumer.disconnect(),
  };
}
