import { randomUUID } from 'node:crypto';
import {
  contractValidator,
  eventValidator,
  eventually,
  startHarness,
  type KafkaRecord,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

const expectContract = contractValidator();
const trackedEvent = eventValidator('TrackedEvent');
const deadLetter = eventValidator('DeadLetter');

let harness: Awaited<ReturnType<typeof startHarness>>;
/** every eventId the service acknowledged; at the end the topics must hold exactly these */
const acknowledged = new Set<string>();

beforeAll(async () => {
  harness = await startHarness();
  await harness.consume();
});

afterAll(async () => {
  await harness?.stop();
});

const event = (overrides: Record<string, unknown> = {}) => ({
  sessionId: `s-${randomUUID()}`,
  type: 'click',
  productId: 'p1',
  ts: '2025-09-30T07:00:00Z',
  meta: { position: 3, source: 'recommendations' },
  ...overrides,
});

const recordsOf = (eventIds: string[], topicType?: string) =>
  eventually(() => {
    const found = eventIds.map(id =>
      harness.records.find(
        r =>
          r.value?.eventId === id &&
          (!topicType || r.topic === harness.topic(topicType)),
      ),
    );
    return found.every(Boolean) ? (found as KafkaRecord[]) : undefined;
  }, 20_000, `events ${eventIds.join(', ')} on Kafka`);

const deadLettersOf = (sessionId: string, type: string) =>
  eventually(
    () =>
      harness.records.find(
        r =>
          r.topic === harness.topic(`${type}.dlq`) &&
          JSON.parse(r.value.payload).sessionId === sessionId,
      ),
    20_000,
    `dead letter of ${sessionId} on ${type}.dlq`,
  );

describe('POST /events', () => {
  it('publishes a single event keyed by the token user, with a new eventId and receivedAt', async () => {
    const userId = randomUUID();
    const sent = event({
      experiment: { key: 'recommendation-ranking', variant: 'treatment' },
    });
    const before = Date.now();
    const response = await harness.post(sent, {
      token: await harness.token(userId),
    });
    expect(response.status).toBe(202);
    const body = await expectContract('POST', response);
    expect(body).toEqual({
      accepted: 1,
      eventIds: [expect.any(String)],
      rejected: [],
    });
    body.eventIds.forEach((id: string) => acknowledged.add(id));

    const [record] = await recordsOf(body.eventIds, 'click');
    expect(record.key).toBe(userId);
    expect(record.headers).toEqual({
      'event-id': body.eventIds[0],
      'event-type': 'click',
    });
    trackedEvent(record.value);
    expect(record.value).toEqual({
      ...sent,
      eventId: body.eventIds[0],
      userId,
      receivedAt: expect.any(String),
    });
    expect(Date.parse(record.value.receivedAt)).toBeGreaterThanOrEqual(
      before - 1000,
    );
  });

  it('publishes a batch to the topic of each type, keeping client eventIds; anonymous events are keyed by session', async () => {
    const sessionId = `s-${randomUUID()}`;
    const clientId = randomUUID();
    const events = [
      event({ sessionId, type: 'view', meta: undefined }),
      event({ sessionId, type: 'cart', eventId: clientId, userId: null }),
      event({ sessionId, type: 'purchase' }),
      event({ sessionId, type: 'click' }),
    ];
    const response = await harness.post({ events });
    expect(response.status).toBe(202);
    const body = await expectContract('POST', response);
    expect(body.accepted).toBe(4);
    expect(body.eventIds[1]).toBe(clientId);
    expect(new Set(body.eventIds).size).toBe(4);
    body.eventIds.forEach((id: string) => acknowledged.add(id));

    const records = await recordsOf(body.eventIds);
    expect(records.map(r => r.topic)).toEqual(
      ['view', 'cart', 'purchase', 'click'].map(harness.topic),
    );
    for (const record of records) {
      trackedEvent(record.value);
      expect(record.key).toBe(sessionId);
      expect(record.value.userId).toBeNull();
    }
    expect(records[0].value.meta).toEqual({});
  });

  it('accepts the valid events of a batch, reports the others per index and dead-letters those of a known type', async () => {
    const userId = randomUUID();
    const badCart = event({ type: 'cart', productId: undefined });
    const badType = event({ type: 'hover' });
    const badView = event({ type: 'view', ts: 'yesterday', extra: 1 });
    const events = [
      event(),
      badCart,
      event({ type: 'view' }),
      badType,
      badView,
    ];
    const response = await harness.post(
      { events },
      { token: await harness.token(userId) },
    );
    expect(response.status).toBe(207);
    const body = await expectContract('POST', response);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      {
        index: 1,
        errors: [{ pointer: '/events/1/productId', message: 'is required' }],
        deadLettered: true,
      },
      {
        index: 3,
        errors: [{ pointer: '/events/3/type', message: expect.any(String) }],
        deadLettered: false,
      },
      {
        index: 4,
        errors: expect.arrayContaining([
          { pointer: '/events/4/extra', message: 'is not a known field' },
          { pointer: '/events/4/ts', message: 'must match format "date-time"' },
        ]),
        deadLettered: true,
      },
    ]);
    body.eventIds.forEach((id: string) => acknowledged.add(id));
    await recordsOf(body.eventIds);

    const letter = await deadLettersOf(badCart.sessionId, 'cart');
    deadLetter({ ...letter.value, sourceTopic: 'events.cart' });
    expect(letter.key).toBe(userId);
    expect(letter.headers).toEqual({
      'event-type': 'cart',
      'dlq-reason': 'invalid-payload',
      'dlq-error': '/productId is required',
    });
    expect(letter.value).toEqual({
      sourceTopic: harness.topic('cart'),
      key: userId,
      payload: JSON.stringify(badCart),
      payloadEncoding: 'utf8',
      error: {
        kind: 'invalid-payload',
        message: '/productId is required',
        errors: [{ pointer: '/productId', message: 'is required' }],
      },
      consumerGroup: 'event-tracking-service',
      failedAt: expect.any(String),
    });
    const viewLetter = await deadLettersOf(badView.sessionId, 'view');
    expect(viewLetter.value.error.errors).toHaveLength(2);
  });

  it('answers 422 with per-index errors when every event of a batch is invalid, and still dead-letters them', async () => {
    const bad = event({ type: 'purchase', productId: 'not valid!' });
    const response = await harness.post({
      events: [bad, event({ type: 'hover', sessionId: '' })],
    });
    expect(response.status).toBe(422);
    const body = await expectContract('POST', response);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([
      0, 1,
    ]);
    expect(body.rejected[0].deadLettered).toBe(true);
    expect(body.rejected[1].deadLettered).toBe(false);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/events/0/productId', message: expect.any(String) },
        { pointer: '/events/1/type', message: expect.any(String) },
        { pointer: '/events/1/sessionId', message: expect.any(String) },
      ]),
    );
    const letter = await deadLettersOf(bad.sessionId, 'purchase');
    expect(letter.key).toBe(bad.sessionId);
    expect(JSON.parse(letter.value.payload)).toEqual(bad);
  });

  it('refuses events for another user (403) and events naming a user without a token (401)', async () => {
    const userId = randomUUID();
    const token = await harness.token(userId);
    const otherUserId = randomUUID();
    const other = event({ userId: otherUserId });
    const cases: [unknown, string | undefined, number, string][] = [
      [{ events: [event({ userId }), other] }, token, 403, '/events/1/userId'],
      [event({ userId: randomUUID() }), token, 403, '/userId'],
      [
        { events: [event(), event({ userId })] },
        undefined,
        401,
        '/events/1/userId',
      ],
    ];
    for (const [body, auth, status, pointer] of cases) {
      const response = await harness.post(body, { token: auth });
      expect(response.status).toBe(status);
      const problem = await expectContract('POST', response);
      expect(problem.errors).toEqual([
        { pointer, message: expect.any(String) },
      ]);
    }
    const invalidToken = await harness.post(event(), { token: 'not-a-jwt' });
    expect(invalidToken.status).toBe(401);
    expect(invalidToken.headers.get('www-authenticate')).toBe('Bearer');
    await expectContract('POST', invalidToken);

    // a service may send events on behalf of any user
    const serviceToken = await harness.token('cart-checkout-service', [
      'service',
    ]);
    const onBehalf = await harness.post(other, { token: serviceToken });
    expect(onBehalf.status).toBe(202);
    const body = await expectContract('POST', onBehalf);
    body.eventIds.forEach((id: string) => acknowledged.add(id));
    const [record] = await recordsOf(body.eventIds);
    expect(record.key).toBe(otherUserId);
    expect(record.value.userId).toBe(otherUserId);
  });

  it.each([
    ['malformed JSON', '{"events": [', 400],
    ['a single invalid event', event({ type: 'hover' }), 400],
    [
      'an unknown member beside events',
      { events: [event()], extra: true },
      400,
    ],
    ['an empty batch', { events: [] }, 400],
    [
      'more than 500 events',
      { events: Array.from({ length: 501 }, () => event()) },
      400,
    ],
    ['a non-object', 42, 400],
    [
      'a body over 1 MiB',
      {
        events: Array.from({ length: 400 }, () =>
          event({ meta: { note: 'x'.repeat(3000) } }),
        ),
      },
      413,
    ],
  ])(
    'refuses %s with a problem and publishes nothing',
    async (_name, body, status) => {
      const response = await harness.post(body);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(
        /^application\/problem\+json/,
      );
      await expectContract('POST', response);
    },
  );

  it('reports readiness of Kafka and counts events by type', async () => {
    const ready = await fetch(`${harness.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await expectContract('GET', ready)).toEqual({
      status: 'ok',
      checks: { kafka: { status: 'ok' } },
    });
    const metrics = await fetch(`${harness.url}/metrics`);
    const text = await expectContract('GET', metrics);
    expect(text).toMatch(/events_accepted_total\{type="click"[^}]*\} [1-9]/);
    expect(text).toMatch(/events_rejected_total\{type="unknown"[^}]*\} [1-9]/);
    expect(text).toMatch(/events_dead_lettered_total\{type="cart"[^}]*\} 1$/m);
    expect(text).toMatch(/event_produce_duration_seconds_count\{[^}]*\} [1-9]/);
  });

  it('left exactly the acknowledged events on the event topics', async () => {
    const onEventTopics = () =>
      harness.records.filter(r => !r.topic.endsWith('.dlq'));
    await eventually(
      () => (onEventTopics().length >= acknowledged.size ? true : undefined),
      20_000,
      'every acknowledged event',
    );
    expect(new Set(onEventTopics().map(r => r.value.eventId))).toEqual(
      acknowledged,
    );
    expect(onEventTopics()).toHaveLength(acknowledged.size);
  });
});
