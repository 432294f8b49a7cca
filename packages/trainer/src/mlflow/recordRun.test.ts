import { fingerprint } from '../data/fingerprint';
import { indexInteractions } from '../data/interactions';
import { syntheticInteractions } from '../data/synthetic';
import { DEFAULT_TRAIN, trainAndEvaluate } from '../train';
import { MlflowClient } from '@platform/model-registry';
import { recordRun } from './recordRun';

// Against the real tracking server (MLFLOW_TRACKING_URI, default http://127.0.0.1:5000), with names of its own.
const client = new MlflowClient(process.env.MLFLOW_TRACKING_URI ?? 'http://127.0.0.1:5000');

describe('recordRun', () => {
  it('records the run, its metrics, artifacts and a challenger model version, read back through REST', async () => {
    const rows = syntheticInteractions({ interactions: 5000, seed: 4 });
    const data = indexInteractions(rows);
    const options = { ...DEFAULT_TRAIN, epochs: 3 };
    const result = await trainAndEvaluate(data, options);
    const suffix = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
    const dataset = fingerprint(rows);
    const recorded = await recordRun(client, data, dataset, options, result, {
      experiment: `trainer-test-${suffix}`,
      registeredModel: `trainer-test-${suffix}`,
      alias: 'challenger',
      input: 'synthetic',
    });

    const run = await client.getRun(recorded.runId);
    expect(run.info.status).toBe('FINISHED');
    const params = Object.fromEntries((run.data.params ?? []).map(p => [p.key, p.value]));
    expect(params.dataset_sha256).toBe(dataset.sha256);
    expect(params.dataset_rows).toBe('5000');
    expect(params.factors).toBe(String(options.factors));
    const tags = Object.fromEntries((run.data.tags ?? []).map(t => [t.key, t.value]));
    expect(tags.dataset_users).toBe(String(data.userIds.length));

    const history = await client.metricHistory(recorded.runId, 'validation_recall_at_20');
    expect(history.map(m => m.step).sort()).toEqual(result.epochs.map(e => e.epoch));
    const metrics = Object.fromEntries((run.data.metrics ?? []).map(m => [m.key, m.value]));
    expect(metrics.model_recall_at_20).toBeCloseTo(result.model['recall@20'], 6);
    expect(metrics.popularity_recall_at_20).toBeCloseTo(result.popularity['recall@20'], 6);

    const version = await client.versionByAlias(`trainer-test-${suffix}`, 'challenger');
    expect(version.version).toBe(recorded.modelVersion.version);
    expect(version.run_id).toBe(recorded.runId);
    const manifest = JSON.parse((await client.downloadArtifact(version.source, 'manifest.json')).toString('utf8'));
    expect(manifest).toMatchObject({ format: 'platform-ials-v1', items: data.itemIds.length, factors: options.factors });
    const itemFactors = await client.downloadArtifact(version.source, 'item_factors.bin');
    expect(itemFactors.byteLength).toBe(data.itemIds.length * options.factors * 4);
    expect(JSON.parse((await client.downloadArtifact(version.source, 'item_index.json')).toString('utf8'))).toEqual(data.itemIds);
  }, 120_000);
});
