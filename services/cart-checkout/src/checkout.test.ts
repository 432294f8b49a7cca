import { randomUUID } from 'node:crypto';
import {
  collectTopic,
  eventValidator,
  eventually,
} from '@platform/product-service/src/__testUtils__/testSupport';
import { startHarness, type Harness } from './__testUtils__/harness';

jest.setTimeout(90_000);

let h: Harness;
let orderEvents: Awaited<ReturnType<typeof collectTopic>>;
const expectOrderEvent = eventValidator('OrderEvent');

beforeAll(async () => {
  h = await startHarness();
  orderEvents = await collectTopic(h.kafka, h.ordersTopic);
});

afterAll(async () => {
  await orderEvents?.stop();
  await h?.stop();
});

async function orderCount(userId: string): Promise<number> {
  const { rows } = await h.ordersPool.query(
    'SELECT count(*)::int AS n FROM orders WHERE user_id = $1',
    [userId],
  );
  return rows[0].n;
}

async function addToCart(token: string, productId: string, quantity: number) {
  const response = await h.call('POST', '/cart', {
    token,
    body: { productId, quantity },
  });
  return { response, body: await h.expectContract('POST', response) };
}

describe('cart', () => {
  it('adds (merging lines), reads and removes items; totals in cents', async () => {
    const { token, userId } = await h.newCustomer();
    const pen = await h.createProduct({
      name: 'Pen',
      category: 'office',
      price: 0.1,
      stock: 50,
    });
    const pad = await h.createProduct({
      name: 'Pad',
      category: 'office',
      price: 0.2,
      stock: 50,
    });

    const empty = await h.call('GET', '/cart', { token });
    expect(await h.expectContract('GET', empty)).toEqual({
      userId,
      items: [],
      total: 0,
      currency: 'USD',
      updatedAt: null,
    });

    expect((await addToCart(token, pen.id, 1)).response.status).toBe(201);
    await addToCart(token, pen.id, 2);
    const { body: cart } = await addToCart(token, pad.id, 1);
    expect(cart.items).toEqual([
      expect.objectContaining({
        productId: pen.id,
        name: 'Pen',
        quantity: 3,
        unitPrice: 0.1,
        lineTotal: 0.3,
      }),
      expect.objectContaining({
        productId: pad.id,
        quantity: 1,
        unitPrice: 0.2,
        lineTotal: 0.2,
      }),
    ]);
    expect(cart.total).toBe(0.5);

    const removed = await h.call('DELETE', `/cart/${cart.items[0].id}`, {
      token,
    });
    expect(removed.status).toBe(200);
    expect((await h.expectContract('DELETE', removed)).items).toHaveLength(1);
    const again = await h.call('DELETE', `/cart/${cart.items[0].id}`, {
      token,
    });
    expect(again.status).toBe(404);
    await h.expectContract('DELETE', again);
  });

  it('refuses unknown products (404), more than the stock (409) and anonymous callers (401)', async () => {
    const { token } = await h.newCustomer();
    const scarce = await h.createProduct({
      name: 'Scarce',
      category: 'office',
      price: 5,
      stock: 2,
    });
    const unknown = await h.call('POST', '/cart', {
      token,
      body: { productId: `missing-${randomUUID()}`, quantity: 1 },
    });
    expect(unknown.status).toBe(404);
    await h.expectContract('POST', unknown);
    await addToCart(token, scarce.id, 2);
    const tooMany = await h.call('POST', '/cart', {
      token,
      body: { productId: scarce.id, quantity: 1 },
    });
    expect(tooMany.status).toBe(409);
    await h.expectContract('POST', tooMany);
    const cart = await (await h.call('GET', '/cart', { token })).json();
    expect(cart.items[0].quantity).toBe(2);
    const anonymous = await h.call('GET', '/cart');
    expect(anonymous.status).toBe(401);
    await h.expectContract('GET', anonymous);
  });

  it.each([
    ['malformed JSON', { rawBody: '{"productId": ' }],
    ['wrong types', { body: { productId: 42, quantity: 'two' } }],
    ['unknown fields', { body: { productId: 'p1', quantity: 1, price: 0 } }],
    ['quantity out of range', { body: { productId: 'p1', quantity: 0 } }],
    [
      'oversized body',
      {
        body: { productId: 'p1', quantity: 1, padding: 'x'.repeat(2_000_000) },
      },
    ],
  ])(
    'bad input (%s) -> 4xx problem+json, nothing stored',
    async (_label, request) => {
      const { token, userId } = await h.newCustomer();
      const response = await h.call('POST', '/cart', { token, ...request });
      expect([400, 413]).toContain(response.status);
      expect(response.headers.get('content-type')).toMatch(
        /^application\/problem\+json/,
      );
      await h.expectContract('POST', response);
      const { rows } = await h.ordersPool.query(
        'SELECT count(*)::int AS n FROM cart_items WHERE user_id = $1',
        [userId],
      );
      expect(rows[0].n).toBe(0);
    },
  );
});

describe('checkout', () => {
  it('places an order, takes the stock, empties the cart and publishes the order event', async () => {
    const { token, userId } = await h.newCustomer();
    const mug = await h.createProduct({
      name: 'Mug',
      category: 'home',
      price: 7.25,
      stock: 10,
    });
    await addToCart(token, mug.id, 3);

    const response = await h.call('POST', '/checkout', {
      token,
      headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    });
    expect(response.status).toBe(201);
    const order = await h.expectContract('POST', response);
    expect(response.headers.get('location')).toBe(`/orders/${order.id}`);
    expect(order).toMatchObject({
      userId,
      status: 'pending',
      total: 21.75,
      currency: 'USD',
      items: [{ productId: mug.id, quantity: 3, price: 7.25 }],
    });
    expect(await h.stockOf(mug.id)).toBe(7);
    expect(
      (await (await h.call('GET', '/cart', { token })).json()).items,
    ).toEqual([]);

    const read = await h.call('GET', `/orders/${order.id}`, { token });
    expect(await h.expectContract('GET', read)).toEqual(order);
    const stranger = await h.newCustomer();
    const forbidden = await h.call('GET', `/orders/${order.id}`, {
      token: stranger.token,
    });
    expect(forbidden.status).toBe(403);
    await h.expectContract('GET', forbidden);

    const event = await eventually(
      () => orderEvents.records.find(record => record.key === order.id),
      20_000,
      'order event',
    );
    const payload = JSON.parse(event.value);
    expectOrderEvent(payload);
    expect(payload).toMatchObject({
      orderId: order.id,
      userId,
      status: 'pending',
      total: 21.75,
    });
    expect(event.headers?.['event-id']?.toString()).toBe(payload.eventId);
  });

  it('50 concurrent requests with one Idempotency-Key -> exactly one order, all answers carry its id', async () => {
    const { token, userId } = await h.newCustomer();
    const item = await h.createProduct({
      name: 'Race Item',
      category: 'race',
      price: 3,
      stock: 100,
    });
    await addToCart(token, item.id, 2);
    const key = `race-${randomUUID()}`;

    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.call('POST', '/checkout', {
          token,
          headers: { 'Idempotency-Key': key },
        }),
      ),
    );
    const bodies = await Promise.all(
      responses.map(response => h.expectContract('POST', response)),
    );
    const statuses = responses.map(response => response.status);
    expect(statuses.filter(status => status === 201)).toHaveLength(1);
    expect(statuses.filter(status => status === 200)).toHaveLength(49);
    expect(new Set(bodies.map(body => body.id)).size).toBe(1);
    expect(await orderCount(userId)).toBe(1);
    expect(await h.stockOf(item.id)).toBe(98);

    // A later retry still replays; the same key for a different cart is refused.
    const retry = await h.call('POST', '/checkout', {
      token,
      headers: { 'Idempotency-Key': key },
    });
    expect(retry.status).toBe(200);
    expect((await retry.json()).id).toBe(bodies[0].id);
    await addToCart(token, item.id, 1);
    const reused = await h.call('POST', '/checkout', {
      token,
      headers: { 'Idempotency-Key': key },
    });
    expect(reused.status).toBe(422);
    await h.expectContract('POST', reused);
    expect(await orderCount(userId)).toBe(1);
  });

  it('refuses an empty cart (422), a missing key (400) and a short stock (409, nothing taken, cart kept)', async () => {
    const { token, userId } = await h.newCustomer();
    const empty = await h.call('POST', '/checkout', {
      token,
      headers: { 'Idempotency-Key': `empty-${randomUUID()}` },
    });
    expect(empty.status).toBe(422);
    await h.expectContract('POST', empty);

    const noKey = await h.call('POST', '/checkout', { token });
    expect(noKey.status).toBe(400);
    await h.expectContract('POST', noKey);

    const plenty = await h.createProduct({
      name: 'Plenty',
      category: 'short',
      price: 1,
      stock: 10,
    });
    const scarce = await h.createProduct({
      name: 'Scarce',
      category: 'short',
      price: 1,
      stock: 1,
    });
    await addToCart(token, plenty.id, 2);
    await addToCart(token, scarce.id, 1);
    // Someone else buys the last unit first.
    const other = await h.newCustomer();
    await addToCart(other.token, scarce.id, 1);
    expect(
      (
        await h.call('POST', '/checkout', {
          token: other.token,
          headers: { 'Idempotency-Key': `other-${randomUUID()}` },
        })
      ).status,
    ).toBe(201);

    const short = await h.call('POST', '/checkout', {
      token,
      headers: { 'Idempotency-Key': `short-${randomUUID()}` },
    });
    expect(short.status).toBe(409);
    const problem = await h.expectContract('POST', short);
    expect(problem.errors?.length).toBeGreaterThan(0);
    expect(await h.stockOf(plenty.id)).toBe(10);
    expect(await orderCount(userId)).toBe(0);
    expect(
      (await (await h.call('GET', '/cart', { token })).json()).items,
    ).toHaveLength(2);
  });
});

describe('order status flow', () => {
  async function placeOrder(quantity = 1) {
    const customer = await h.newCustomer();
    const product = await h.createProduct({
      name: 'Flow',
      category: 'flow',
      price: 10,
      stock: 10,
    });
    await addToCart(customer.token, product.id, quantity);
    const response = await h.call('POST', '/checkout', {
      token: customer.token,
      headers: { 'Idempotency-Key': `flow-${randomUUID()}` },
    });
    return { customer, product, order: await response.json() };
  }

  async function setStatus(token: string, orderId: string, status: string) {
    const response = await h.call('PATCH', `/orders/${orderId}/status`, {
      token,
      body: { status },
    });
    return {
      status: response.status,
      body: await h.expectContract('PATCH', response),
    };
  }

  it('walks pending -> paid -> shipped -> delivered and refuses anything else with 409', async () => {
    const { order, customer } = await placeOrder();
    expect((await setStatus(customer.token, order.id, 'paid')).status).toBe(
      403,
    );
    expect((await setStatus(h.adminToken, order.id, 'shipped')).status).toBe(
      409,
    );
    for (const status of ['paid', 'shipped', 'delivered']) {
      const result = await setStatus(h.adminToken, order.id, status);
      expect(result.status).toBe(200);
      expect(result.body.status).toBe(status);
    }
    const final = await setStatus(h.adminToken, order.id, 'cancelled');
    expect(final.status).toBe(409);
    expect(final.body.detail).toMatch(/final/);

    const statuses = await eventually(
      () => {
        const mine = orderEvents.records
          .filter(record => record.key === order.id)
          .map(record => JSON.parse(record.value).status);
        return mine.length >= 4 ? mine : undefined;
      },
      20_000,
      'four order events',
    );
    expect(statuses).toEqual(['pending', 'paid', 'shipped', 'delivered']);
  });

  it('lets the owner cancel a pending order, which gives the stock back', async () => {
    const { order, customer, product } = await placeOrder(4);
    expect(await h.stockOf(product.id)).toBe(6);
    const cancelled = await setStatus(customer.token, order.id, 'cancelled');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await eventually(
      async () => ((await h.stockOf(product.id)) === 10 ? true : undefined),
      20_000,
      'stock returned',
    );
    const stranger = await h.newCustomer();
    expect(
      (await setStatus(stranger.token, order.id, 'cancelled')).status,
    ).toBe(403);
  });

  it('rejects an unknown status value with 400 and an unknown order with 404', async () => {
    const { order } = await placeOrder();
    expect((await setStatus(h.adminToken, order.id, 'teleported')).status).toBe(
      400,
    );
    expect((await setStatus(h.adminToken, randomUUID(), 'paid')).status).toBe(
      404,
    );
  });
});

describe('abandoned checkouts', () => {
  it('gives back stock reserved by a checkout that died before committing, and nothing else', async () => {
    const product = await h.createProduct({
      name: 'Abandoned',
      category: 'sweep',
      price: 1,
      stock: 5,
    });
    // What a process that died mid-checkout leaves behind: an old intent and reserved stock, no order.
    const abandoned = randomUUID();
    await h.ordersPool.query(
      "INSERT INTO reservation_intents (order_id, created_at) VALUES ($1, now() - interval '1 hour')",
      [abandoned],
    );
    const reserved = await fetch(`${h.productUrl}/stock-reservations`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        reservationId: abandoned,
        items: [{ productId: product.id, quantity: 2 }],
      }),
    });
    expect(reserved.status).toBe(201);
    // A committed order's reservation is kept.
    const { token } = await h.newCustomer();
    await h.call('POST', '/cart', {
      token,
      body: { productId: product.id, quantity: 1 },
    });
    const placed = await h.call('POST', '/checkout', {
      token,
      headers: { 'Idempotency-Key': `sweep-${randomUUID()}` },
    });
    expect(placed.status).toBe(201);
    expect(await h.stockOf(product.id)).toBe(2);
    const { rows: left } = await h.ordersPool.query(
      'SELECT order_id FROM reservation_intents',
    );
    expect(left.map(row => row.order_id)).toEqual([abandoned]);

    expect(await h.cartCheckout.sweeper.sweepOnce()).toBe(1);
    expect(await h.stockOf(product.id)).toBe(4);
    const { rows } = await h.ordersPool.query(
      'SELECT count(*)::int AS n FROM reservation_intents',
    );
    expect(rows[0].n).toBe(0);
  });
});
