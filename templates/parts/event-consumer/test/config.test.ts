import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';

const env = { KAFKA_BROKERS: 'localhost:9092' };

test('defaults the group to ${{ values.consumerGroup }} and the topics to those chosen when the service was created', () => {
  const config = loadConfig(env);
  assert.equal(config.KAFKA_GROUP_ID, '${{ values.consumerGroup }}');
  assert.deepEqual(config.KAFKA_TOPICS, ${{ values.consumedTopics | dump }});
  assert.equal(config.PORT, ${{ values.port }});
  assert.equal(config.KAFKA_FROM_BEGINNING, false);
});

test('reads a comma-separated topic list', () => {
  assert.deepEqual(loadConfig({ ...env, KAFKA_TOPICS: 'orders, payments' }).KAFKA_TOPICS, ['orders', 'payments']);
});

test('refuses to start without KAFKA_BROKERS', () => {
  assert.throws(() => loadConfig({}), /invalid configuration: KAFKA_BROKERS/);
});

test('refuses an empty topic list and a malformed topic', () => {
  assert.throws(() => loadConfig({ ...env, KAFKA_TOPICS: ' , ' }), /KAFKA_TOPICS: name at least one topic/);
  assert.throws(() => loadConfig({ ...env, KAFKA_TOPICS: 'Orders' }), /KAFKA_TOPICS.0: must be a topic name/);
});
