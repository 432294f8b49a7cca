import { randomUUID } from 'node:crypto';
import { loadInfraEnv } from '../env';

describe('MLflow tracking server and model registry (yarn infra)', () => {
  let baseUrl: string;
  const suffix = randomUUID().slice(0, 8);
  const experimentName = `smoke-experiment-${suffix}`;
  const modelName = `smoke-recommender-${suffix}`;
  let experimentId: string | undefined;

  async function call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    route: string,
    body?: object,
  ): Promise<T> {
    const url = new URL(`/api/2.0/mlflow/${route}`, baseUrl);
    if (method !== 'POST' && body) {
      for (const [key, value] of Object.entries(body))
        url.searchParams.set(key, String(value));
    }
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${route}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  beforeAll(() => {
    baseUrl = loadInfraEnv().MLFLOW_TRACKING_URI;
  });

  afterAll(async () => {
    await call('DELETE', 'registered-models/delete', { name: modelName }).catch(
      () => undefined,
    );
    if (experimentId)
      await call('POST', 'experiments/delete', {
        experiment_id: experimentId,
      }).catch(() => undefined);
  });

  it('creates an experiment, logs a run with metrics, registers a model version and sets an alias', async () => {
    ({ experiment_id: experimentId } = await call<{ experiment_id: string }>(
      'POST',
      'experiments/create',
      {
        name: experimentName,
      },
    ));

    const { run } = await call<{
      run: { info: { run_id: string; artifact_uri: string } };
    }>('POST', 'runs/create', {
      experiment_id: experimentId,
      run_name: 'two-tower-baseline',
      start_time: Date.now(),
    });
    const runId = run.info.run_id;
    const timestamp = Date.now();
    await call('POST', 'runs/log-batch', {
      run_id: runId,
      params: [{ key: 'embedding_dim', value: '64' }],
      metrics: [1, 2, 3].map(step => ({
        key: 'recall_at_10',
        value: 0.1 * step,
        timestamp,
        step,
      })),
    });
    await call('POST', 'runs/update', {
      run_id: runId,
      status: 'FINISHED',
      end_time: Date.now(),
    });

    const fetched = await call<{
      run: {
        info: { status: string };
        data: { metrics: { key: string; value: number }[] };
      };
    }>('GET', 'runs/get', { run_id: runId });
    expect(fetched.run.info.status).toBe('FINISHED');
    expect(fetched.run.data.metrics).toEqual([
      expect.objectContaining({
        key: 'recall_at_10',
        value: 0.30000000000000004,
      }),
    ]);
    const history = await call<{ metrics: { step: number }[] }>(
      'GET',
      'metrics/get-history',
      {
        run_id: runId,
        metric_key: 'recall_at_10',
      },
    );
    expect(history.metrics.map(m => m.step).sort()).toEqual([1, 2, 3]);

    await call('POST', 'registered-models/create', { name: modelName });
    const { model_version: version } = await call<{
      model_version: { version: string };
    }>('POST', 'model-versions/create', {
      name: modelName,
      source: `${run.info.artifact_uri}/model`,
      run_id: runId,
    });
    expect(version.version).toBe('1');

    await call('POST', 'registered-models/alias', {
      name: modelName,
      alias: 'champion',
      version: version.version,
    });
    const byAlias = await call<{
      model_version: { version: string; run_id: string; aliases: string[] };
    }>('GET', 'registered-models/alias', {
      name: modelName,
      alias: 'champion',
    });
    expect(byAlias.model_version).toMatchObject({
      version: '1',
      run_id: runId,
      aliases: ['champion'],
    });
  }, 30_000);
});
