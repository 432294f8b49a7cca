import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Contract } from '@platform/service-kit';
import { eventually } from '@platform/product-service/src/__testUtils__/testSupport';
import { startHarness, type Harness } from './__testUtils__/harness';

jest.setTimeout(90_000);

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/**
 * Stands in for notification-service, which is not built yet: it records what it receives, checks
 * each request against notification-api, and fails on demand like a service that is down.
 */
async function notificationEndpoint() {
  const contract = Contract.load('notification-api');
  const received: Received[] = [];
  const contractErrors: string[] = [];
  let failuresLeft = 0;
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', chunk => {
      text += chunk;
    });
    req.on('end', () => {
      const body = JSON.parse(text);
      const match = contract.match(req.method ?? '', req.url ?? '');
      if (!match) contractErrors.push(`no operation ${req.method} ${req.url}`);
      else {
        contractErrors.push(
          ...contract
            .validateRequest(match, {
              query: {},
              headers: req.headers,
              body,
              hasBody: true,
            })
            .map(problem => JSON.stringify(problem)),
        );
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(503, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'about:blank',
            title: 'Service Unavailable',
            status: 503,
          }),
        );
        return;
      }
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const now = new Date().toISOString();
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: randomUUID(),
          channel: body.channel,
          to: body.to,
          template: body.template,
          status: 'queued',
          attempts: 0,
          createdAt: now,
          updatedAt: now,
        }),
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    contractErrors,
    failNext: (count: number) => {
      failuresLeft = count;
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

let h: Harness;
let notifications: Awaited<ReturnType<typeof notificationEndpoint>>;

beforeAll(async () => {
  notifications = await notificationEndpoint();
  h = await startHarness({ notificationServiceUrl: notifications.url });
});

afterAll(async () => {
  await h?.stop();
  await notifications?.close();
});

it('notifies the buyer after payment through the outbox, retrying while notification-service fails', async () => {
  const { token, userId } = await h.newCustomer();
  const product = await h.createProduct({
    name: 'Notify Item',
    category: 'notify',
    price: 9.99,
    stock: 5,
  });
  await h.call('POST', '/cart', {
    token,
    body: { productId: product.id, quantity: 2 },
  });
  const order = await (
    await h.call('POST', '/checkout', {
      token,
      headers: { 'Idempotency-Key': `notify-${randomUUID()}` },
    })
  ).json();

  notifications.failNext(2);
  const paid = await h.call('PATCH', `/orders/${order.id}/status`, {
    token: h.adminToken,
    body: { status: 'paid' },
  });
  // The payment succeeds whatever notification-service does.
  expect(paid.status).toBe(200);

  const delivered = await eventually(
    () =>
      notifications.received.find(
        request => request.body.data?.orderId === order.id,
      ),
    30_000,
    'the notification',
  );
  expect(delivered.path).toBe('/notifications');
  expect(delivered.body).toMatchObject({
    channel: 'email',
    to: `${userId}@example.com`,
    template: 'order-confirmation',
    data: { orderId: order.id, total: 19.98, currency: 'USD' },
  });
  expect(delivered.headers['idempotency-key']).toMatch(/^outbox-/);
  expect(delivered.headers.authorization).toMatch(/^Bearer /);
  expect(notifications.contractErrors).toEqual([]);

  const { rows } = await h.ordersPool.query(
    "SELECT attempts, published_at FROM outbox WHERE destination = 'notification' AND message_key = $1",
    [order.id],
  );
  expect(rows).toHaveLength(1);
  expect(rows[0].attempts).toBe(3);
  expect(rows[0].published_at).not.toBeNull();
  expect(
    notifications.received.filter(
      request => request.body.data?.orderId === order.id,
    ),
  ).toHaveLength(1);
});
