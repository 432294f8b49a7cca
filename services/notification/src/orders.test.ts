import { DLQ_HEADERS } from '@platform/service-kit';
import {
  eventually,
  startHarness,
  type Harness,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

const statusesOf = (
  notifications: Array<{ channel: string; status: string }>,
) => notifications.map(n => [n.channel, n.status]);

describe('order confirmations from the orders topic', () => {
  it('sends one e-mail per order, with its lines and totals, however often the event is delivered', async () => {
    const buyer = await h.newBuyer();
    const paid = h.paidOrder(buyer.id);
    // the order as the topic carries it: placed, then paid; the paid event delivered twice (an outbox relay that
    // crashed before stamping it publishes it again, same event id)
    await h.publish(
      { ...paid, eventId: crypto.randomUUID(), status: 'pending' },
      paid,
      paid,
    );

    const [arrived] = await eventually(
      async () => {
        const messages = await h.mail.messagesTo(buyer.email);
        return messages.length ? messages : undefined;
      },
      20_000,
      'the confirmation in Mailpit',
    );
    // every one of the three events handled before counting again
    await eventually(async () =>
      (await h.metric('kafka_consumer_processed_total')) >= 3
        ? true
        : undefined,
    );
    await eventually(async () =>
      (await h.metric('notification_order_events_total', {
        outcome: 'duplicate',
      })) === 1
        ? true
        : undefined,
    );
    const messages = await h.mail.messagesTo(buyer.email);
    expect(messages.map(m => m.ID)).toEqual([arrived.ID]);

    const [notification] = await h.notificationsOfOrder(paid.orderId);
    expect(notification).toMatchObject({
      channel: 'email',
      to: buyer.email,
      status: 'sent',
      attempts: 1,
      source: 'orders',
    });
    expect(arrived.MessageID).toBe(`${notification.id}@notification-service`);
    const email = await h.mail.text(arrived.ID);
    expect(email.Subject).toBe(
      `Your order ${paid.orderId.slice(0, 8)} is confirmed`,
    );
    // the lines and the total as the event has them: 2 x 9.99 and 1 x 12.49 make 32.47
    expect(email.Text).toContain('2 x espresso-cups at 9.99 EUR = 19.98 EUR');
    expect(email.Text).toContain('1 x milk-jug at 12.49 EUR = 12.49 EUR');
    expect(email.Text).toContain('Total: 32.47 EUR');
    expect(email.HTML).toContain(
      '<td>espresso-cups</td><td>2</td><td>9.99 EUR</td><td>19.98 EUR</td>',
    );
    expect(
      h.twilio.messages.filter(m => m.body.includes(paid.orderId.slice(0, 8))),
    ).toEqual([]);
    await h.mail.remove(messages.map(m => m.ID));
  });

  it('sends a buyer who chose SMS a text and no e-mail', async () => {
    const buyer = await h.newBuyer({
      notificationChannels: ['sms'],
      phone: '+4915112345678',
    });
    const paid = h.paidOrder(buyer.id, {
      total: 19.98,
      items: [{ productId: 'espresso-cups', quantity: 2, price: 9.99 }],
    });
    await h.publish(paid);

    const [sms] = await eventually(
      async () => {
        const notifications = await h.notificationsOfOrder(paid.orderId);
        return notifications[0]?.status === 'sent' ? notifications : undefined;
      },
      20_000,
      'the SMS sent',
    );
    expect(await h.notificationsOfOrder(paid.orderId)).toHaveLength(1);
    expect(sms).toMatchObject({
      channel: 'sms',
      to: '+4915112345678',
      provider: 'twilio',
    });
    const recorded = h.twilio.messages.filter(
      m => m.sid === sms.providerMessageId,
    );
    expect(recorded.map(m => [m.to, m.from, m.body])).toEqual([
      [
        '+4915112345678',
        '+15005550006',
        `Storefront: order ${paid.orderId.slice(
          0,
          8,
        )} is confirmed. 2 items, total 19.98 EUR.`,
      ],
    ]);
    expect(await h.mail.messagesTo(buyer.email)).toEqual([]);
  });

  it('sends a buyer who chose both an e-mail and a text, one each', async () => {
    const buyer = await h.newBuyer({
      notificationChannels: ['email', 'sms'],
      phone: '+4915199990000',
    });
    const paid = h.paidOrder(buyer.id);
    await h.publish(paid, paid);
    const notifications = await eventually(
      async () => {
        const found = await h.notificationsOfOrder(paid.orderId);
        return found.length === 2 && found.every(n => n.status === 'sent')
          ? found
          : undefined;
      },
      20_000,
      'both sent',
    );
    expect(statusesOf(notifications)).toEqual([
      ['email', 'sent'],
      ['sms', 'sent'],
    ]);
    const mails = await h.mail.messagesTo(buyer.email);
    expect(mails).toHaveLength(1);
    expect(
      h.twilio.messages.filter(m => m.to === '+4915199990000'),
    ).toHaveLength(1);
    await h.mail.remove(mails.map(m => m.ID));
  });

  it('retries a failing SMS provider with backoff, then fails the notification and dead-letters it with the reason', async () => {
    const buyer = await h.newBuyer({
      notificationChannels: ['sms'],
      phone: '+4915100000001',
    });
    const paid = h.paidOrder(buyer.id);
    h.twilio.failAll();
    try {
      await h.publish(paid);
      const [failed] = await eventually(
        async () => {
          const found = await h.notificationsOfOrder(paid.orderId);
          return found[0]?.status === 'failed' ? found : undefined;
        },
        30_000,
        'the notification failed',
      );
      // DELIVERY_MAX_ATTEMPTS=4 of the harness, each refused by the provider with Twilio's 500 error 20500
      expect(failed.attempts).toBe(4);
      expect(failed.deliveryAttempts.map(a => [a.attempt, a.outcome])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
        [4, 'failed'],
      ]);
      expect(failed.lastError).toBe(
        'Twilio 500 error 20500: An internal server error has occurred',
      );
      const at = failed.deliveryAttempts.map(a => Date.parse(a.at));
      // waits of 200 ms doubling (half jittered): every gap at least half its nominal wait
      expect(at[1] - at[0]).toBeGreaterThanOrEqual(100);
      expect(at[3] - at[2]).toBeGreaterThanOrEqual(400);

      const [letter] = (
        await h.readTopic(h.config.NOTIFICATIONS_DLQ_TOPIC, 1)
      ).filter(m => m.key === failed.id);
      expect(letter.headers[DLQ_HEADERS.reason]).toBe(
        'Twilio 500 error 20500: An internal server error has occurred',
      );
      expect(letter.headers[DLQ_HEADERS.attempts]).toBe('4');
      expect(letter.headers[DLQ_HEADERS.sourceTopic]).toBe('orders');
      expect(letter.headers['event-id']).toBe(paid.eventId);
      expect(letter.value).toMatchObject({
        notificationId: failed.id,
        channel: 'sms',
        orderId: paid.orderId,
        attempts: 4,
      });
      expect(h.twilio.messages.filter(m => m.to === '+4915100000001')).toEqual(
        [],
      );
      expect(
        await h.metric('notification_dead_letters_total', { channel: 'sms' }),
      ).toBe(1);
    } finally {
      h.twilio.recover();
    }
  });

  it('fails a message the provider refuses at the first attempt (no retries) and dead-letters it', async () => {
    // a number Twilio cannot send to: 400, error 21211 (a documented permanent refusal)
    const buyer = await h.newBuyer({
      notificationChannels: ['sms'],
      phone: '+4915100000002',
    });
    h.twilio.failNext(1, {
      status: 400,
      code: 21211,
      message: "The 'To' number +4915100000002 is not a valid phone number.",
    });
    const paid = h.paidOrder(buyer.id);
    await h.publish(paid);
    const [failed] = await eventually(
      async () => {
        const found = await h.notificationsOfOrder(paid.orderId);
        return found[0]?.status === 'failed' ? found : undefined;
      },
      20_000,
      'the notification failed',
    );
    expect(
      failed.deliveryAttempts.map(a => [a.attempt, a.outcome, a.error]),
    ).toEqual([
      [
        1,
        'rejected',
        "Twilio 400 error 21211: The 'To' number +4915100000002 is not a valid phone number.",
      ],
    ]);
    const letters = await eventually(async () => {
      const found = (
        await h.readTopic(h.config.NOTIFICATIONS_DLQ_TOPIC, 2)
      ).filter(m => m.key === failed.id);
      return found.length ? found : undefined;
    });
    expect(letters.map(l => l.headers[DLQ_HEADERS.reason])).toEqual([
      failed.lastError,
    ]);
  });

  it('dead-letters an event that is not an OrderEvent at once and goes on with the next', async () => {
    const buyer = await h.newBuyer();
    const paid = h.paidOrder(buyer.id);
    await h.publish(
      { eventId: 'not-a-uuid', orderId: paid.orderId, status: 'paid' },
      paid,
    );
    await eventually(
      async () =>
        (await h.mail.messagesTo(buyer.email)).length === 1 ? true : undefined,
      20_000,
      'the good one sent',
    );
    const [letter] = await h.readTopic(`${h.config.ORDERS_TOPIC}.dlq`, 1);
    expect(letter.headers[DLQ_HEADERS.reason]).toMatch(
      /^decode failed: not an OrderEvent: eventId Invalid uuid/,
    );
    expect(letter.headers[DLQ_HEADERS.attempts]).toBe('0');
    await h.mail.remove((await h.mail.messagesTo(buyer.email)).map(m => m.ID));
  });
});

describe("the checkout's notification outbox", () => {
  const outboxRequest = (orderId: string, to: string) => ({
    channel: 'email',
    to,
    subject: 'Your order is confirmed',
    template: 'order-confirmation',
    data: { orderId, total: 32.47, currency: 'EUR' },
  });

  it('and the orders topic together send one e-mail for the order', async () => {
    const buyer = await h.newBuyer();
    const paid = h.paidOrder(buyer.id);
    const token = await h.token(['service'], 'cart-checkout-service');
    // the outbox's POST arrives before the event, and again (a relay retry with the same Idempotency-Key)
    for (const expected of [202, 200]) {
      const response = await h.http
        .post('/notifications')
        .set('authorization', `Bearer ${token}`)
        .set('idempotency-key', `outbox-${paid.eventId}`)
        .send(outboxRequest(paid.orderId, buyer.email));
      h.contract.assertResponse('POST', '/notifications', response);
      expect([response.status, response.body.status]).toEqual([
        expected,
        'awaiting-order',
      ]);
    }
    await h.publish(paid);
    const [sent] = await eventually(
      async () => {
        const found = await h.notificationsOfOrder(paid.orderId);
        return found[0]?.status === 'sent' ? found : undefined;
      },
      20_000,
      'the confirmation sent',
    );
    expect(sent).toMatchObject({ source: 'api', attempts: 1 });
    const mails = await h.mail.messagesTo(buyer.email);
    expect(mails.map(m => m.Subject)).toEqual([
      `Your order ${paid.orderId.slice(0, 8)} is confirmed`,
    ]);
    // asked again after it went out: the same notification, sent
    const again = await h.http
      .post('/notifications')
      .set('authorization', `Bearer ${token}`)
      .send(outboxRequest(paid.orderId, buyer.email));
    expect([again.status, again.body.id, again.body.status]).toEqual([
      200,
      sent.id,
      'sent',
    ]);
    await h.mail.remove(mails.map(m => m.ID));
  });

  it('sends nothing by e-mail to a buyer who chose SMS, whichever of outbox and event comes first', async () => {
    const token = await h.token(['service'], 'cart-checkout-service');
    const buyer = await h.newBuyer({
      notificationChannels: ['sms'],
      phone: '+4915100000003',
    });
    const first = h.paidOrder(buyer.id);
    const second = h.paidOrder(buyer.id);
    // first order: the outbox's e-mail request, then the event; second order: the event, then the request
    await h.http
      .post('/notifications')
      .set('authorization', `Bearer ${token}`)
      .send(outboxRequest(first.orderId, buyer.email));
    await h.publish(first, second);
    await eventually(
      async () => {
        const found = [
          ...(await h.notificationsOfOrder(first.orderId)),
          ...(await h.notificationsOfOrder(second.orderId)),
        ];
        return found.filter(n => n.channel === 'sms' && n.status === 'sent')
          .length === 2
          ? true
          : undefined;
      },
      20_000,
      'both texts sent',
    );
    const late = await h.http
      .post('/notifications')
      .set('authorization', `Bearer ${token}`)
      .send(outboxRequest(second.orderId, buyer.email));
    h.contract.assertResponse('POST', '/notifications', late);
    expect([late.status, late.body.status]).toEqual([202, 'suppressed']);

    for (const order of [first, second]) {
      expect(statusesOf(await h.notificationsOfOrder(order.orderId))).toEqual([
        ['email', 'suppressed'],
        ['sms', 'sent'],
      ]);
    }
    expect(await h.mail.messagesTo(buyer.email)).toEqual([]);
  });
});
