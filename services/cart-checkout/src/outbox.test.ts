import net from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  collectTopic,
  eventually,
  infraEnv,
} from '@platform/product-service/src/__testUtils__/testSupport';
import { startHarness, type Harness } from './__testUtils__/harness';

jest.setTimeout(120_000);

/**
 * A port that drops every connection until `open()`, then relays them to the real broker. The relay's
 * producer bootstraps through it, so while it is closed Kafka is unreachable for the relay only; the
 * shared broker keeps running for everyone else. The port is held from the start, so no other process
 * can take it while it is "closed".
 */
async function switchableKafkaPort() {
  const [host, port] = infraEnv().KAFKA_BROKERS.split(',')[0].split(':');
  const sockets = new Set<net.Socket>();
  let relaying = false;
  const server = net.createServer(client => {
    if (!relaying) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(port), host);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const localPort = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${localPort}`,
    open: async () => {
      relaying = true;
    },
    close: async () => {
      relaying = false;
      sockets.forEach(socket => socket.destroy());
      sockets.clear();
    },
    release: async () => {
      relaying = false;
      sockets.forEach(socket => socket.destroy());
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

let h: Harness;
let kafkaPort: Awaited<ReturnType<typeof switchableKafkaPort>>;

beforeAll(async () => {
  kafkaPort = await switchableKafkaPort();
  h = await startHarness({ outboxKafkaBrokers: kafkaPort.address });
});

afterAll(async () => {
  await h?.stop();
  await kafkaPort?.release();
});

it('accepts orders while Kafka is unreachable and publishes each exactly once when it returns', async () => {
  const product = await h.createProduct({
    name: 'Outage Item',
    category: 'outage',
    price: 4,
    stock: 100,
  });
  const orderIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { token } = await h.newCustomer();
    await h.call('POST', '/cart', {
      token,
      body: { productId: product.id, quantity: 1 },
    });
    const response = await h.call('POST', '/checkout', {
      token,
      headers: { 'Idempotency-Key': `outage-${randomUUID()}` },
    });
    expect(response.status).toBe(201);
    orderIds.push((await response.json()).id);
  }

  // The relay has been trying (and failing) meanwhile; nothing reached the topic, nothing was dropped.
  const relay = h.cartCheckout.relays[0];
  await eventually(
    async () => {
      const { rows } = await h.ordersPool.query(
        "SELECT count(*)::int AS n FROM outbox WHERE destination = 'kafka' AND attempts > 0",
      );
      return rows[0].n > 0 ? true : undefined;
    },
    30_000,
    'a failed delivery attempt',
  );
  expect(await relay.backlog()).toBe(5);
  // The outage is visible to operators while checkout keeps working.
  const during = await (await fetch(`${h.baseUrl}/metrics`)).text();
  expect(during).toMatch(/outbox_pending_rows\{destination="kafka"[^}]*\} 5\b/);
  expect(during).toMatch(
    /outbox_delivery_failures_total\{destination="kafka"[^}]*\} [1-9]/,
  );
  const topic = await collectTopic(h.kafka, h.ordersTopic);
  try {
    await new Promise(resolve => setTimeout(resolve, 1_000));
    expect(topic.records).toHaveLength(0);

    await kafkaPort.open();
    await eventually(
      async () => ((await relay.backlog()) === 0 ? true : undefined),
      60_000,
      'the outbox to drain',
    );
    await eventually(
      () => (topic.records.length >= 5 ? true : undefined),
      20_000,
      'five records',
    );
    // Give any duplicate a chance to show up before counting.
    await new Promise(resolve => setTimeout(resolve, 2_000));
    const keys = topic.records.map(record => record.key).sort();
    expect(keys).toEqual([...orderIds].sort());
    const after = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(after).toMatch(
      /outbox_delivered_total\{destination="kafka"[^}]*\} 5\b/,
    );
    expect(after).not.toMatch(
      /outbox_pending_rows\{destination="kafka"[^}]*\} [1-9]/,
    );
    expect(
      topic.records.map(record => JSON.parse(record.value).status),
    ).toEqual(Array(5).fill('pending'));
  } finally {
    await topic.stop();
  }
});

it('publishes nothing for a checkout that did not commit', async () => {
  const { token, userId } = await h.newCustomer();
  const product = await h.createProduct({
    name: 'Rollback Item',
    category: 'outage',
    price: 4,
    stock: 1,
  });
  await h.call('POST', '/cart', {
    token,
    body: { productId: product.id, quantity: 1 },
  });
  // Sold out between add-to-cart and checkout: the reservation fails and the transaction rolls back.
  const other = await h.newCustomer();
  await h.call('POST', '/cart', {
    token: other.token,
    body: { productId: product.id, quantity: 1 },
  });
  expect(
    (
      await h.call('POST', '/checkout', {
        token: other.token,
        headers: { 'Idempotency-Key': `winner-${randomUUID()}` },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await h.call('POST', '/checkout', {
        token,
        headers: { 'Idempotency-Key': `loser-${randomUUID()}` },
      })
    ).status,
  ).toBe(409);
  const { rows } = await h.ordersPool.query(
    "SELECT count(*)::int AS n FROM outbox WHERE destination = 'kafka' AND payload->>'userId' = $1",
    [userId],
  );
  expect(rows[0].n).toBe(0);
});

it('publishes orders committed before a crash exactly once, from the instance that replaces it', async () => {
  // Kafka unreachable for this instance's relay: orders commit, their events wait in the outbox.
  await kafkaPort.close();
  await h.restartCartCheckout({ outboxKafkaBrokers: kafkaPort.address });
  const product = await h.createProduct({
    name: 'Crash Item',
    category: 'outage',
    price: 2,
    stock: 100,
  });
  const orderIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { token } = await h.newCustomer();
    await h.call('POST', '/cart', {
      token,
      body: { productId: product.id, quantity: 1 },
    });
    const response = await h.call('POST', '/checkout', {
      token,
      headers: { 'Idempotency-Key': `crash-${randomUUID()}` },
    });
    expect(response.status).toBe(201);
    orderIds.push((await response.json()).id);
  }
  expect(await h.cartCheckout.relays[0].backlog()).toBe(3);

  // The process goes away before publishing; its replacement reaches Kafka.
  const topic = await collectTopic(h.kafka, h.ordersTopic);
  try {
    await h.restartCartCheckout();
    await eventually(
      () =>
        orderIds.every(id => topic.records.some(record => record.key === id))
          ? true
          : undefined,
      60_000,
      'the pending orders on the topic',
    );
    await new Promise(resolve => setTimeout(resolve, 2_000));
    for (const id of orderIds) {
      expect(topic.records.filter(record => record.key === id)).toHaveLength(1);
    }
    expect(await h.cartCheckout.relays[0].backlog()).toBe(0);
  } finally {
    await topic.stop();
  }
});
