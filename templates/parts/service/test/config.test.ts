import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';

// the settings of the backing stores chosen when the service was created
const stores = {
{%- if 'postgresql' in values.stores %}
  DATABASE_URL: 'postgres://app@localhost:5432/app',
{%- endif %}
{%- if 'mongodb' in values.stores %}
  MONGODB_URI: 'mongodb://localhost:27017/app',
{%- endif %}
{%- if 'redis' in values.stores %}
  REDIS_URL: 'redis://localhost:6379',
{%- endif %}
{%- if 'kafka' in values.stores %}
  KAFKA_BROKERS: 'localhost:9092',
{%- endif %}
};

test('defaults the port to ${{ values.port }}', () => {
  assert.equal(loadConfig(stores).PORT, ${{ values.port }});
});

test('rejects a port that is not a number', () => {
  assert.throws(() => loadConfig({ ...stores, PORT: 'eighty' }), /invalid configuration: PORT/);
});
{%- if 'postgresql' in values.stores %}

test('refuses to start without DATABASE_URL', () => {
  assert.throws(() => loadConfig({ ...stores, DATABASE_URL: undefined }), /invalid configuration: DATABASE_URL/);
});
{%- endif %}
{%- if 'mongodb' in values.stores %}

test('refuses to start without MONGODB_URI', () => {
  assert.throws(() => loadConfig({ ...stores, MONGODB_URI: undefined }), /invalid configuration: MONGODB_URI/);
});
{%- endif %}
{%- if 'redis' in values.stores %}

test('refuses to start without REDIS_URL', () => {
  assert.throws(() => loadConfig({ ...stores, REDIS_URL: undefined }), /invalid configuration: REDIS_URL/);
});
{%- endif %}
{%- if 'kafka' in values.stores %}

test('refuses to start without KAFKA_BROKERS', () => {
  assert.throws(() => loadConfig({ ...stores, KAFKA_BROKERS: undefined }), /invalid configuration: KAFKA_BROKERS/);
});
{%- endif %}
