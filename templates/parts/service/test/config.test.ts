import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';

test('defaults the port to ${{ values.port }}', () => {
  assert.equal(loadConfig({}).PORT, ${{ values.port }});
});

test('rejects a port that is not a number', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /invalid configuration: PORT/);
});
