import { loadInfraEnv } from '@platform/local-infra';
import { MlflowClient, ModelRegistry } from '@platform/model-registry';
import { testDatabase, TestDatabase } from '@platform/service-kit/testing';
import { fingerprint } from '../data/fingerprint';
import { indexInteractions } from '../data/interactions';
import { syntheticInteractions } from '../data/synthetic';
import { DEFAULT_TRAIN, trainAndEvaluate, trainOnAll } from '../train';
import { recordRun } from './recordRun';

// Against the real tracking server and PostgreSQL of `yarn infra`, with names and a database of its own.
const infra = loadInfraEnv();
const client = new MlflowClient(infra.MLFLOW_TRACKING_URI);
let db: TestDatabase;
let registry: ModelRegistry;
const suffix = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const model = `trainer-test-${suffix}`;

beforeAll(async () => {
  db = await testDatabase(infra.DATABASE_URL, 'trainer_test');
  registry = new ModelRegistry(client, db.pool());
  await registry.migrate();
});

afterAll(async () => {
  await client.deleteRegisteredModel(model).catch(() => undefined);
  await db?.drop();
});

describe('recordRun', () => {
  it('records the run, its metrics, the final model artifacts and a version the registry makes challenger', async () => {
    const rows = syntheticInteractions({ interactions: 5000, seed: 4 });
    const data = indexInteractions(rows);
    const options = { ...DEFAULT_TRAIN, epochs: 3 };
    const result = await trainAndEvaluate(data, options);
    const final = trainOnAll(data, options, result.bestEpoch);
    const dataset = fingerprint(rows);
    const recorded = await recordRun(client, registry, data, dataset, options, result, final, {
      experiment: `trainer-test-${suffix}`,
      registeredModel: model,
      input: 'synthetic',
    });

    const run = await client.getRun(recorded.runId);
    expect(run.info.status).toBe('FINISHED');
    const params = Object.fromEntries((run.data.params ?? []).map(p => [p.key, p.value]));
    expect(params.dataset_sha256).toBe(dataset.sha256);
    expect(params.dataset_rows).toBe('5000');
    expect(params.factors).toBe(String(options.factors));
    expect(params.final_epochs).toBe(String(result.bestEpoch));
    const tags = Object.fromEntries((run.data.tags ?? []).map(t => [t.key, t.value]));
    expect(tags.dataset_users).toBe(String(data.userIds.length));

    const history = await client.metricHistory(recorded.runId, 'validation_recall_at_20');
    expect(history.map(m => m.step).sort()).toEqual(result.epochs.map(e => e.epoch));
    const metrics = Object.fromEntries((run.data.metrics ?? []).map(m => [m.key, m.value]));
    expect(metrics.model_recall_at_20).toBeCloseTo(result.model['recall@20'], 6);
    expect(metrics.popularity_recall_at_20).toBeCloseTo(result.popularity['recall@20'], 6);

    const version = await client.versionByAlias(model, 'challenger');
    expect(version.version).toBe(recorded.modelVersion.version);
    expect(version.run_id).toBe(recorded.runId);
    const versionTags = Object.fromEntries((version.tags ?? []).map(t => [t.key, t.value]));
    expect(Number(versionTags.model_recall_at_20)).toBeCloseTo(result.model['recall@20'], 12);
    expect(versionTags).toMatchObject({ nominated_by: 'trainer', trained_on: 'all', dataset_sha256: dataset.sha256 });
    expect((await registry.history.list(model)).map(e => [e.action, e.version, e.actor])).toEqual([['nominate', version.version, 'trainer']]);

    const manifest = JSON.parse((await client.downloadArtifact(version.source, 'manifest.json')).toString('utf8'));
    expect(manifest).toMatchObject({ format: 'platform-ials-v1', items: data.itemIds.length, factors: options.factors, trainedOn: 'all' });
    const itemFactors = await client.downloadArtifact(version.source, 'item_factors.bin');
    expect(itemFactors.byteLength).toBe(data.itemIds.length * options.factors * 4);
    // the registered factors are the final model's (all the data), not the split run's
    const userFactors = await client.downloadArtifact(version.source, 'user_factors.bin');
    expect(new Float32Array(Uint8Array.from(userFactors).buffer)).toEqual(final.factors.users);
    expect(JSON.parse((await client.downloadArtifact(version.source, 'item_index.json')).toString('utf8'))).toEqual(data.itemIds);
  }, 120_000);
});
