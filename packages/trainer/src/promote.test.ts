import { loadInfraEnv } from '@platform/local-infra';
import { MlflowClient, ModelRegistry } from '@platform/model-registry';
import { testDatabase, TestDatabase } from '@platform/service-kit/testing';
import { promoteIfBetter } from './promote';

// Against the real tracking server and PostgreSQL, with a model and a database of its own.
const infra = loadInfraEnv();
const mlflow = new MlflowClient(infra.MLFLOW_TRACKING_URI);
const suffix = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const model = `trainer-promote-test-${suffix}`;
let db: TestDatabase;
let registry: ModelRegistry;
let experimentId: string;

/** A version with the offline metric tag, nominated as challenger the way the trainer does. */
async function challenger(recall: number): Promise<string> {
  const run = await mlflow.createRun(experimentId, `recall-${recall}`, {});
  const version = await mlflow.createModelVersion(model, `${run.info.artifact_uri}/model`, run.info.run_id, {
    model_recall_at_20: String(recall),
    dataset_sha256: 'same',
  });
  await registry.nominate({ model, version: version.version, actor: 'trainer', reason: 'trained' });
  return version.version;
}

beforeAll(async () => {
  db = await testDatabase(infra.DATABASE_URL, 'trainer_promote_test');
  registry = new ModelRegistry(mlflow, db.pool());
  await registry.migrate();
  experimentId = await mlflow.getOrCreateExperiment(model);
  await mlflow.createRegisteredModel(model, 'promotion test');
});

afterAll(async () => {
  await mlflow.deleteRegisteredModel(model).catch(() => undefined);
  await db?.drop();
});

describe('promoteIfBetter', () => {
  it('promotes the first challenger, then only one that beats the champion by the margin', async () => {
    const margin = 0.02;
    const v1 = await challenger(0.3);
    const first = await promoteIfBetter(registry, mlflow, { model, margin });
    expect(first.promoted).toBe(true);
    expect(first.entry).toMatchObject({ action: 'promote', version: v1, actor: 'trainer' });
    expect((await registry.aliases(model)).champion).toBe(v1);

    // worse: the champion stays, the challenger stays challenger, nothing is recorded
    const worse = await challenger(0.25);
    const kept = await promoteIfBetter(registry, mlflow, { model, margin });
    expect(kept.promoted).toBe(false);
    expect(await registry.aliases(model)).toEqual({ champion: v1, challenger: worse, 'previous-champion': null });

    // better, but by less than the margin (0.31 - 0.30 = 0.01 < 0.02)
    await challenger(0.31);
    expect((await promoteIfBetter(registry, mlflow, { model, margin })).promoted).toBe(false);
    expect((await registry.aliases(model)).champion).toBe(v1);

    // better by exactly the margin (0.32 - 0.30): promoted, with both metrics as evidence
    const better = await challenger(0.32);
    const promoted = await promoteIfBetter(registry, mlflow, { model, margin });
    expect(promoted.promoted).toBe(true);
    expect(await registry.aliases(model)).toEqual({ champion: better, challenger: null, 'previous-champion': v1 });
    const history = await registry.history.list(model);
    expect(history.filter(e => e.action === 'promote').map(e => e.version)).toEqual([better, v1]);
    expect(history[0].evidence).toMatchObject({
      margin: 0.02,
      challenger: { version: better, recall_at_20: 0.32 },
      champion: { version: v1, recall_at_20: 0.3 },
      same_dataset: true,
    });
  }, 60_000);
});
