import { randomUUID } from 'node:crypto';
import {
  eventually,
  startHarness,
  type Harness,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

let h: Harness;
let admin: string;

beforeAll(async () => {
  h = await startHarness();
  admin = await h.token(['admin']);
});

afterAll(async () => {
  await h?.stop();
});

const rows = async () =>
  Number(
    (await h.db.pool().query('SELECT count(*) FROM notifications')).rows[0]
      .count,
  );

const send = (
  body: unknown,
  token = admin,
  headers: Record<string, string> = {},
) =>
  h.http
    .post('/notifications')
    .set('authorization', `Bearer ${token}`)
    .set(headers)
    .send(body as object);

describe('POST /notifications and GET /notifications/{id}', () => {
  it('sends an admin’s e-mail and shows its delivery state and attempts', async () => {
    const to = `manual-${randomUUID()}@example.com`;
    const response = await send({
      channel: 'email',
      to,
      subject: 'Your parcel',
      template: 'message',
      data: { text: 'It left the warehouse.' },
    });
    h.contract.assertResponse('POST', '/notifications', response);
    expect(response.status).toBe(202);
    expect(response.headers.location).toBe(
      `/notifications/${response.body.id}`,
    );
    expect(response.body).toMatchObject({
      channel: 'email',
      to,
      template: 'message',
      source: 'api',
      status: 'queued',
      attempts: 0,
      deliveryAttempts: [],
    });

    const sent = await eventually(
      async () => {
        const read = await h.http
          .get(response.headers.location)
          .set('authorization', `Bearer ${admin}`);
        return read.body.status === 'sent' ? read : undefined;
      },
      20_000,
      'sent',
    );
    h.contract.assertResponse('GET', '/notifications/{id}', sent);
    expect(sent.body).toMatchObject({
      attempts: 1,
      provider: 'smtp',
      providerMessageId: `<${response.body.id}@notification-service>`,
    });
    expect(sent.body.deliveryAttempts).toEqual([
      {
        attempt: 1,
        at: expect.any(String),
        outcome: 'sent',
        providerMessageId: `<${response.body.id}@notification-service>`,
      },
    ]);
    const [arrived] = await h.mail.messagesTo(to);
    expect(arrived.Subject).toBe('Your parcel');
    expect((await h.mail.text(arrived.ID)).Text.trim()).toBe(
      'It left the warehouse.',
    );
    await h.mail.remove([arrived.ID]);
  });

  it('sends an admin’s SMS through the provider', async () => {
    const response = await send({
      channel: 'sms',
      to: '+4915122223333',
      template: 'message',
      data: { text: 'Parcel at the door' },
    });
    expect(response.status).toBe(202);
    const sent = await eventually(async () => {
      const read = await h.http
        .get(`/notifications/${response.body.id}`)
        .set('authorization', `Bearer ${admin}`);
      return read.body.status === 'sent' ? read.body : undefined;
    });
    expect(
      h.twilio.messages
        .filter(m => m.sid === sent.providerMessageId)
        .map(m => [m.to, m.body]),
    ).toEqual([['+4915122223333', 'Parcel at the door']]);
  });

  it('answers a repeated Idempotency-Key with the first notification, and refuses it for a different request', async () => {
    const key = `manual-${randomUUID()}`;
    const body = {
      channel: 'email',
      to: `idem-${randomUUID()}@example.com`,
      template: 'message',
      data: { text: 'once' },
    };
    const first = await send(body, admin, { 'Idempotency-Key': key });
    const before = await rows();
    const again = await send(body, admin, { 'Idempotency-Key': key });
    h.contract.assertResponse('POST', '/notifications', again);
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);
    const other = await send({ ...body, data: { text: 'twice' } }, admin, {
      'Idempotency-Key': key,
    });
    h.contract.assertResponse('POST', '/notifications', other);
    expect(other.status).toBe(422);
    expect(other.body.detail).toBe(
      'this Idempotency-Key was used for a different notification; use a new key',
    );
    expect(await rows()).toBe(before);
    await eventually(async () =>
      (await h.mail.messagesTo(body.to)).length ? true : undefined,
    );
    const mails = await h.mail.messagesTo(body.to);
    expect(mails).toHaveLength(1);
    await h.mail.remove(mails.map(m => m.ID));
  });

  it('lets only admins send manually; a service may ask for order confirmations', async () => {
    const body = {
      channel: 'email',
      to: 'someone@example.com',
      template: 'message',
      data: { text: 'hi' },
    };
    const before = await rows();
    const anonymous = await h.http.post('/notifications').send(body);
    h.contract.assertResponse('POST', '/notifications', anonymous);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    const customer = await send(
      body,
      await h.token(['customer'], randomUUID()),
    );
    h.contract.assertResponse('POST', '/notifications', customer);
    expect(customer.status).toBe(403);
    const service = await send(
      body,
      await h.token(['service'], 'cart-checkout-service'),
    );
    h.contract.assertResponse('POST', '/notifications', service);
    expect([service.status, service.body.detail]).toEqual([
      403,
      'a manual send (template message) needs the admin role',
    ]);
    const read = await h.http
      .get(`/notifications/${randomUUID()}`)
      .set(
        'authorization',
        `Bearer ${await h.token(['customer'], randomUUID())}`,
      );
    expect(read.status).toBe(403);
    expect(await rows()).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"channel":', 400],
    [
      'an unknown field',
      {
        channel: 'email',
        to: 'a@example.com',
        template: 'message',
        data: { text: 'x' },
        priority: 'high',
      },
      400,
    ],
    ['a missing template', { channel: 'email', to: 'a@example.com' }, 400],
    [
      'an address that is not one',
      {
        channel: 'email',
        to: 'not-an-address',
        template: 'message',
        data: { text: 'x' },
      },
      400,
    ],
    [
      'a phone number not in E.164',
      {
        channel: 'sms',
        to: '0151 2345',
        template: 'message',
        data: { text: 'x' },
      },
      400,
    ],
    [
      'an unknown channel',
      {
        channel: 'fax',
        to: 'a@example.com',
        template: 'message',
        data: { text: 'x' },
      },
      400,
    ],
    [
      'data of the wrong type',
      { channel: 'email', to: 'a@example.com', template: 'message', data: 'x' },
      400,
    ],
    [
      'a body over the limit',
      {
        channel: 'email',
        to: 'a@example.com',
        template: 'message',
        data: { text: 'x'.repeat(300_000) },
      },
      413,
    ],
    [
      'a text over 10,000 characters',
      {
        channel: 'email',
        to: 'a@example.com',
        template: 'message',
        data: { text: 'x'.repeat(10_001) },
      },
      400,
    ],
    [
      'an unknown template',
      {
        channel: 'email',
        to: 'a@example.com',
        template: 'newsletter',
        data: { text: 'x' },
      },
      422,
    ],
    [
      'a message without text',
      { channel: 'email', to: 'a@example.com', template: 'message', data: {} },
      422,
    ],
    [
      'an order confirmation without the order',
      {
        channel: 'email',
        to: 'a@example.com',
        template: 'order-confirmation',
        data: { total: 1 },
      },
      422,
    ],
  ])(
    'refuses %s with a problem and stores nothing',
    async (_case, body, status) => {
      const before = await rows();
      const request = h.http
        .post('/notifications')
        .set('authorization', `Bearer ${admin}`)
        .set('content-type', 'application/json');
      const response = await request.send(
        typeof body === 'string' ? body : JSON.stringify(body),
      );
      h.contract.assertResponse('POST', '/notifications', response);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(
        /^application\/problem\+json/,
      );
      expect(response.body).toMatchObject({
        status,
        title: expect.any(String),
      });
      expect(await rows()).toBe(before);
    },
  );

  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    const missing = await h.http
      .get(`/notifications/${randomUUID()}`)
      .set('authorization', `Bearer ${admin}`);
    h.contract.assertResponse('GET', '/notifications/{id}', missing);
    expect(missing.status).toBe(404);
    const malformed = await h.http
      .get('/notifications/42')
      .set('authorization', `Bearer ${admin}`);
    h.contract.assertResponse('GET', '/notifications/{id}', malformed);
    expect([malformed.status, malformed.body.errors?.[0]?.parameter]).toEqual([
      400,
      'id',
    ]);
  });
});

describe('operations', () => {
  it('is ready with PostgreSQL, Kafka and SMTP, and exposes its metrics', async () => {
    const ready = await h.http.get('/readyz');
    h.contract.assertResponse('GET', '/readyz', ready);
    expect(ready.body).toEqual({
      status: 'ok',
      checks: {
        postgres: { status: 'ok' },
        kafka: { status: 'ok' },
        smtp: { status: 'ok' },
      },
    });
    const metrics = await h.http.get('/metrics');
    h.contract.assertResponse('GET', '/metrics', {
      ...metrics,
      body: metrics.text,
    });
    for (const family of [
      'notification_deliveries_total',
      'notification_delivery_duration_seconds',
      'notification_backlog',
      'kafka_consumer_lag',
    ]) {
      expect(metrics.text).toContain(`# TYPE ${family} `);
    }
    expect(metrics.text).toMatch(
      /^notification_deliveries_total\{channel="email",outcome="sent"[^}]*\} \d+$/m,
    );
  });
});
