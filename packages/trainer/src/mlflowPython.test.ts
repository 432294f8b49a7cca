import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadInfraEnv } from '@platform/local-infra';
import { MlflowClient, ModelRegistry } from '@platform/model-registry';
import { testDatabase, TestDatabase } from '@platform/service-kit/testing';
import { fingerprint } from './data/fingerprint';
import { indexInteractions } from './data/interactions';
import { syntheticInteractions } from './data/synthetic';
import { recordRun } from './mlflow/recordRun';
import { promoteIfBetter } from './promote';
import { DEFAULT_TRAIN, trainAndEvaluate, trainOnAll } from './train';

// MLflow's own Python client reads what the trainer recorded. The interpreter is the MLflow server's venv, which
// `yarn infra up` installs (./idp test runs it first); MLFLOW_PYTHON names another one with mlflow installed.
const repoRoot = join(__dirname, '..', '..', '..');
const python = process.env.MLFLOW_PYTHON ?? join(repoRoot, '.state', 'infra', 'mlflow', 'venv', 'bin', 'python');
const script = join(__dirname, '..', 'scripts', 'check-with-mlflow-python.py');
const infra = loadInfraEnv();
const mlflow = new MlflowClient(infra.MLFLOW_TRACKING_URI);
const suffix = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const model = `trainer-python-check-${suffix}`;
let db: TestDatabase;

beforeAll(async () => {
  db = await testDatabase(infra.DATABASE_URL, 'trainer_python_test');
});

afterAll(async () => {
  await mlflow.deleteRegisteredModel(model).catch(() => undefined);
  await db?.drop();
});

describe('check-with-mlflow-python.py', () => {
  it('reads the run, its metrics and the champion with mlflow.MlflowClient; recall@20 is at least 2x popularity', async () => {
    if (!existsSync(python))
      throw new Error(`${python} not found: the MLflow venv comes with \`yarn infra up\` (or set MLFLOW_PYTHON to a python with mlflow)`);
    const registry = new ModelRegistry(mlflow, db.pool());
    await registry.migrate();
    const rows = syntheticInteractions({ interactions: 30_000, seed: 2 });
    const data = indexInteractions(rows);
    const options = { ...DEFAULT_TRAIN, epochs: 6 };
    const result = await trainAndEvaluate(data, options);
    const recorded = await recordRun(mlflow, registry, data, fingerprint(rows), options, result, trainOnAll(data, options, result.bestEpoch), {
      experiment: model,
      registeredModel: model,
      input: 'synthetic',
    });
    const version = recorded.modelVersion.version;

    const check = (alias: string) =>
      spawnSync(python, [script, '--tracking-uri', infra.MLFLOW_TRACKING_URI, '--model', model, '--alias', alias], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const asChallenger = check('challenger');
    expect(asChallenger.stderr).toBe('');
    expect(asChallenger.status).toBe(0);
    expect(JSON.parse(asChallenger.stdout)).toMatchObject({ version, aliases: ['challenger'], run_id: recorded.runId, ok: true });
    // no champion yet: the script says so and fails
    expect(check('champion').status).toBe(2);

    expect((await promoteIfBetter(registry, mlflow, { model, margin: 0.02 })).promoted).toBe(true);
    const asChampion = check('champion');
    expect(asChampion.status).toBe(0);
    const report = JSON.parse(asChampion.stdout);
    expect(report).toMatchObject({ version, aliases: ['champion'], run_status: 'FINISHED', ok: true });
    expect(report.metrics.model_recall_at_20).toBeCloseTo(result.model['recall@20'], 6);
    expect(report.metrics.popularity_recall_at_20).toBeCloseTo(result.popularity['recall@20'], 6);
    expect(report.metrics.model_recall_at_20).toBeGreaterThanOrEqual(2 * report.metrics.popularity_recall_at_20);
    expect(report.version_tags).toMatchObject({ promoted_by: 'trainer', nominated_by: 'trainer' });
    expect(report.validation_recall_at_20_by_epoch.map(([step]: number[]) => step)).toEqual(result.epochs.map(e => e.epoch));
  }, 180_000);
});
