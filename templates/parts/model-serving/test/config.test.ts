import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';

const env = { MLFLOW_TRACKING_URI: 'http://localhost:5000/' };

test('serves models:/${{ values.modelName }}@${{ values.modelAlias }} on port ${{ values.port }} unless told otherwise', () => {
  const config = loadConfig(env);
  assert.deepEqual(config.MODEL_URI, { uri: 'models:/${{ values.modelName }}@${{ values.modelAlias }}', name: '${{ values.modelName }}', alias: '${{ values.modelAlias }}' });
  assert.equal(config.PORT, ${{ values.port }});
  assert.equal(config.MLFLOW_TRACKING_URI, 'http://localhost:5000');
});

test('reads another alias from MODEL_URI', () => {
  assert.deepEqual(loadConfig({ ...env, MODEL_URI: 'models:/ranker@challenger' }).MODEL_URI, {
    uri: 'models:/ranker@challenger',
    name: 'ranker',
    alias: 'challenger',
  });
});

test('refuses a model URI without an alias, and a missing tracking server', () => {
  assert.throws(() => loadConfig({ ...env, MODEL_URI: 'models:/ranker/3' }), /MODEL_URI: must be models:\/<name>@<alias>/);
  assert.throws(() => loadConfig({}), /invalid configuration: MLFLOW_TRACKING_URI/);
});
