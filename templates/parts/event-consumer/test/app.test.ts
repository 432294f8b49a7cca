import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Consumer } from 'kafkajs';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { followMembership } from '../src/membership.js';
import { createMetrics } from '../src/metrics.js';

/** kafkajs's instrumentation events, emitted by hand: the consumer itself is tested against Kafka in consumer.test.ts */
function consumerEvents() {
  const emitter = new EventEmitter();
  const events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash', STOP: 'consumer.stop' };
  const consumer = {
    events,
    on: (event: string, listener: (e: unknown) => void) => {
      emitter.on(event, listener);
      return () => emitter.off(event, listener);
    },
  } as unknown as Pick<Consumer, 'on' | 'events'>;
  return { consumer, emit: (event: string, payload: unknown = {}) => emitter.emit(event, { payload }) };
}

async function listen(app: ReturnType<typeof createApp>) {
  const server = app.listen(0);
  await new Promise(resolve => server.once('listening', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

test('is live at once, and ready only while a member of its consumer group', async () => {
  const { consumer, emit } = consumerEvents();
  const fatal: Error[] = [];
  const membership = followMembership(consumer, 'my-group', error => fatal.push(error));
  const { base, close } = await listen(
    createApp({ logger: pino({ level: 'silent' }), metrics: createMetrics(), checks: { kafka: membership.check } }),
  );
  try {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    let res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 503);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    const body = await res.json();
    assert.equal(body.detail, 'unavailable: kafka');
    assert.equal(body.checks.kafka.error, 'not a member of consumer group my-group (not started yet)');

    emit('consumer.group_join');
    res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', checks: { kafka: { status: 'ok' } } });

    emit('consumer.crash', { error: new Error('broker went away'), restart: true });
    res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 503);
    assert.match((await res.json()).checks.kafka.error, /crashed: broker went away/);
    assert.equal(fatal.length, 0);

    emit('consumer.crash', { error: new Error('not retriable'), restart: false });
    assert.equal(fatal[0]?.message, 'not retriable');
  } finally {
    close();
  }
});

test('answers an unknown path with problem+json, and serves process metrics', async () => {
  const { base, close } = await listen(createApp({ logger: pino({ level: 'silent' }), metrics: createMetrics() }));
  try {
    const res = await fetch(`${base}/nothing-here`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.match(await (await fetch(`${base}/metrics`)).text(), /process_cpu_seconds_total/);
  } finally {
    close();
  }
});
