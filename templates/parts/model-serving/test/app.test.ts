import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { createMetrics, type Metrics } from '../src/metrics.js';
import { MlflowRegistry } from '../src/mlflow.js';
import { ModelStore } from '../src/modelStore.js';
import { startMlflowServer } from './mlflowServer.js';

const NAME = '${{ values.modelName }}';
const ALIAS = '${{ values.modelAlias }}';
const linear = (weights: number[], bias = 0) => ({ format: 'linear-v1', features: ['x', 'y'], weights, bias });

let mlflow: Awaited<ReturnType<typeof startMlflowServer>>;
let store: ModelStore;
let metrics: Metrics;
let base = '';
let closeServer = () => {};

before(async () => {
  mlflow = await startMlflowServer();
  metrics = createMetrics();
  // polled by hand (refresh) so each step below sees exactly one poll
  store = new ModelStore({ registry: new MlflowRegistry(mlflow.url, 2_000), modelName: NAME, alias: ALIAS, pollIntervalMs: 60_000, metrics, logger: pino({ level: 'silent' }) });
  const server = createApp({ logger: pino({ level: 'silent' }), metrics, store }).listen(0);
  await new Promise(resolve => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeServer = () => server.close();
});
after(async () => {
  closeServer();
  await mlflow.close();
});

const predict = (features: Record<string, unknown>) =>
  fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ features }) });

test('is live at once, but not ready and refuses predictions until the alias has a model', async () => {
  await store.refresh();
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(ready.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.equal((await ready.json()).checks.model.error, `models:/${NAME}@${ALIAS} not loaded yet (alias ${ALIAS} is not set on ${NAME})`);
  const res = await predict({ x: 1, y: 1 });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '5');
});

test('loads the version behind the alias, becomes ready and predicts with it', async () => {
  mlflow.setAlias(NAME, ALIAS, '1', linear([1, 2], 0.5));
  await store.refresh();
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  const res = await predict({ x: 3, y: 4 });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { prediction: 11.5, model: { name: NAME, version: '1' } });
});

test('answers a body without a feature of the model with problem+json naming it', async () => {
  const res = await predict({ x: 3 });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.deepEqual(body.errors, [{ path: '/features/y', message: 'required by model version 1' }]);
  assert.equal((await predict({ x: 'three', y: 1 })).status, 400);
});

test('follows the alias to a new version, and keeps serving the old one when the new one is refused', async () => {
  mlflow.setAlias(NAME, ALIAS, '2', linear([10, 0]));
  await store.refresh();
  assert.deepEqual(await (await predict({ x: 3, y: 4 })).json(), { prediction: 30, model: { name: NAME, version: '2' } });

  mlflow.setAlias(NAME, ALIAS, '3', '{"format":"linear-v1","features":["x"],"weights":[]}');
  await store.refresh();
  assert.equal((await (await predict({ x: 3, y: 4 })).json()).model.version, '2');
  const status = await (await fetch(`${base}/v1/model`)).json();
  assert.equal(status.version, '2');
  assert.match(status.problem, /^v3 refused \(wrong_format\)/);
});

test('keeps serving while MLflow is unreachable, and says so in its metrics', async () => {
  mlflow.setDown(true);
  await store.refresh();
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  assert.equal((await predict({ x: 1, y: 1 })).status, 200);
  const text = await (await fetch(`${base}/metrics`)).text();
  assert.match(text, /^model_registry_up 0$/m);
  mlflow.setDown(false);
  await store.refresh();
  assert.match(await (await fetch(`${base}/metrics`)).text(), /^model_registry_up 1$/m);
});

test('times predictions by model version and counts loads and refusals on /metrics', async () => {
  const text = await (await fetch(`${base}/metrics`)).text();
  assert.match(text, /^model_prediction_duration_seconds_count\{model_version="1"\} 1$/m);
  assert.match(text, /^model_prediction_duration_seconds_count\{model_version="2"\} [1-9]/m);
  assert.match(text, new RegExp(`^model_info\\{model="${NAME}",alias="${ALIAS}",version="2"\\} 1$`, 'm'));
  assert.match(text, /^model_loads_total 2$/m);
  assert.match(text, /^model_load_failures_total\{reason="wrong_format"\} 1$/m);
  assert.match(text, /http_requests_total\{route="\/v1\/predict",method="POST",status="503"\} 1/);
});
