import {
  eventually,
  startHarness,
  type Harness,
} from './__testUtils__/harness';
import { mailpitProcess } from './__testUtils__/mailpitProcess';

jest.setTimeout(60_000);

let smtp: Awaited<ReturnType<typeof mailpitProcess>>;
let h: Harness;

beforeAll(async () => {
  smtp = await mailpitProcess();
  h = await startHarness({
    smtpUrl: smtp.smtpUrl,
    mailpitUrl: smtp.apiUrl,
    env: {
      DELIVERY_MAX_ATTEMPTS: '20',
      DELIVERY_BACKOFF_INITIAL_MS: '200',
      DELIVERY_BACKOFF_MAX_MS: '800',
    },
  });
});

afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

it('keeps retrying while the SMTP server is down, says so in readiness, and sends once when it is back', async () => {
  const buyer = await h.newBuyer();
  const paid = h.paidOrder(buyer.id);
  await smtp.stop();

  const notReady = await h.http.get('/readyz');
  h.contract.assertResponse('GET', '/readyz', notReady);
  expect(notReady.status).toBe(503);
  expect(notReady.body.checks).toMatchObject({
    postgres: { status: 'ok' },
    kafka: { status: 'ok' },
    smtp: { status: 'unavailable' },
  });

  await h.publish(paid);
  const waiting = await eventually(
    async () => {
      const [found] = await h.notificationsOfOrder(paid.orderId);
      return found && found.deliveryAttempts.length >= 3 ? found : undefined;
    },
    20_000,
    'three failed attempts',
  );
  expect(waiting.status).toBe('queued');
  expect(waiting.deliveryAttempts.map(a => a.outcome)).toEqual(
    waiting.deliveryAttempts.map(() => 'failed'),
  );
  expect(waiting.deliveryAttempts[0].error).toMatch(
    /^SMTP ESOCKET: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
  );
  expect(
    await h.metric('notification_deliveries_total', {
      channel: 'email',
      outcome: 'failed',
    }),
  ).toBeGreaterThanOrEqual(3);

  await smtp.start();
  const sent = await eventually(
    async () => {
      const [found] = await h.notificationsOfOrder(paid.orderId);
      return found?.status === 'sent' ? found : undefined;
    },
    20_000,
    'sent after SMTP came back',
  );
  const outcomes = sent.deliveryAttempts.map(a => a.outcome);
  expect(outcomes[outcomes.length - 1]).toBe('sent');
  expect(outcomes.slice(0, -1).every(outcome => outcome === 'failed')).toBe(
    true,
  );
  expect(sent.attempts).toBe(outcomes.length);

  const arrived = await h.mail.messagesTo(buyer.email);
  expect(arrived.map(m => [m.Subject, m.MessageID])).toEqual([
    [
      `Your order ${paid.orderId.slice(0, 8)} is confirmed`,
      `${sent.id}@notification-service`,
    ],
  ]);
  const ready = await h.http.get('/readyz');
  h.contract.assertResponse('GET', '/readyz', ready);
  expect(ready.status).toBe(200);
});
