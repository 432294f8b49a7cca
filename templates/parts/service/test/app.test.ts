import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { createMetrics } from '../src/metrics.js';

let base = '';
let close = () => {};

before(async () => {
  const server = createApp({ logger: pino({ level: 'silent' }), metrics: createMetrics() }).listen(0);
  await new Promise(resolve => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
after(() => close());

test('reports healthy and ready', async () => {
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 200);
  assert.equal((await ready.json()).status, 'ok');
});

test('is not ready while a dependency is down, and names it', async () => {
  const checks = {
    cache: async () => {},
    database: async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    },
  };
  const server = createApp({ logger: pino({ level: 'silent' }), metrics: createMetrics(), checks }).listen(0);
  await new Promise(resolve => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
    assert.equal(res.status, 503);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    const body = await res.json();
    assert.equal(body.detail, 'unavailable: database');
    assert.deepEqual(body.checks, {
      cache: { status: 'ok' },
      database: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:5432' },
    });
  } finally {
    server.close();
  }
});

test('answers bad input with problem+json and field errors', async () => {
  const res = await fetch(`${base}/v1/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: '' }),
  });
  assert.equal(res.status, 400);
  assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
  const body = await res.json();
  assert.equal(body.errors[0].path, '/message');
});

test('counts requests by route, method and status on /metrics', async () => {
  await fetch(`${base}/v1/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'hi' }),
  });
  const text = await (await fetch(`${base}/metrics`)).text();
  assert.match(text, /http_requests_total\{route="\/v1\/echo",method="POST",status="200"\} 1/);
  assert.match(text, /http_request_duration_seconds_bucket\{le="0.005",route="\/v1\/echo"/);
  assert.match(text, /process_cpu_seconds_total/);
});
