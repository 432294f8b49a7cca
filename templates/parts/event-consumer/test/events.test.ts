import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import { decodeEvent } from '../src/events.js';

const message = (value: string | null): KafkaMessage =>
  ({ key: null, value: value === null ? null : Buffer.from(value), timestamp: '0', attributes: 0, offset: '0', headers: {} }) as KafkaMessage;

test('decodes an event that fits the schema', () => {
  const event = decodeEvent(message('{"id":"e-1","type":"order.paid","occurredAt":"2026-01-02T03:04:05Z","data":{"orderId":"o-1"}}'));
  assert.deepEqual(event, { id: 'e-1', type: 'order.paid', occurredAt: '2026-01-02T03:04:05Z', data: { orderId: 'o-1' } });
});

test('refuses a message that is not JSON, naming why', () => {
  assert.throws(() => decodeEvent(message('{"id":')), /^Error: not JSON: /);
});

test('refuses an event without the fields of the schema, naming each', () => {
  assert.throws(() => decodeEvent(message('{"type":"order.paid","occurredAt":"yesterday"}')), (error: Error) => {
    assert.match(error.message, /\/id: Required/);
    assert.match(error.message, /\/occurredAt: Invalid datetime/);
    return true;
  });
});

test('refuses a tombstone', () => {
  assert.throws(() => decodeEvent(message(null)), /empty message/);
});
