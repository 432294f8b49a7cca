import { DatasetFingerprint } from '../data/fingerprint';
import { IndexedInteractions } from '../data/interactions';
import { RankingMetrics } from '../evaluation/evaluate';
import { FinalModel, TrainOptions, TrainResult } from '../train';
import { HistoryEntry, Metric, MlflowClient, ModelRegistry, ModelVersion } from '@platform/model-registry';
import { ARTIFACT_FORMAT, modelArtifacts } from './modelArtifacts';

export interface RecordOptions {
  experiment: string;
  registeredModel: string;
  input: string;
}

export interface RecordedRun {
  runId: string;
  experimentId: string;
  modelVersion: ModelVersion;
  /** the registry's `nominate`: the version became the challenger */
  nomination: HistoryEntry;
}

/** MLflow metric keys cannot hold '@': recall@20 -> recall_at_20. */
const metricKey = (prefix: string, key: string) => `${prefix}_${key.replace('@', '_at_')}`;

function finalMetrics(prefix: string, metrics: RankingMetrics, timestamp: number): Metric[] {
  return Object.entries(metrics)
    .filter(([key]) => key !== 'users')
    .map(([key, value]) => ({ key: metricKey(prefix, key), value, timestamp, step: 0 }));
}

/**
 * One run: params, per-epoch metrics, the test evaluation, the dataset fingerprint, the final model's artifacts
 * (trained on all the data), a model version, and that version nominated as `challenger` by the registry.
 */
export async function recordRun(
  client: MlflowClient,
  registry: ModelRegistry,
  data: IndexedInteractions,
  dataset: DatasetFingerprint,
  options: TrainOptions,
  result: TrainResult,
  final: FinalModel,
  record: RecordOptions,
): Promise<RecordedRun> {
  const experimentId = await client.getOrCreateExperiment(record.experiment);
  const datasetTags = {
    dataset_sha256: dataset.sha256,
    dataset_rows: String(dataset.rows),
    dataset_users: String(dataset.users),
    dataset_items: String(dataset.items),
  };
  const run = await client.createRun(experimentId, `ials-${new Date().toISOString()}`, {
    ...datasetTags,
    model_type: 'ials',
    artifact_format: ARTIFACT_FORMAT,
    input: record.input,
  });
  const runId = run.info.run_id;
  try {
    const now = Date.now();
    await client.logBatch(runId, {
      params: {
        ...Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)])),
        ...datasetTags,
        best_epoch: String(result.bestEpoch),
        final_epochs: String(final.epochs),
        final_trained_on: 'all',
      },
      metrics: [
        ...result.epochs.flatMap(e => [
          { key: 'validation_recall_at_20', value: e['validation_recall@20'], timestamp: now, step: e.epoch },
          { key: 'elapsed_seconds', value: e.seconds, timestamp: now, step: e.epoch },
        ]),
        ...finalMetrics('model', result.model, now),
        ...finalMetrics('popularity', result.popularity, now),
        { key: 'training_seconds', value: result.trainingSeconds, timestamp: now, step: 0 },
        { key: 'final_training_seconds', value: final.seconds, timestamp: now, step: 0 },
        { key: 'test_users', value: result.model.users, timestamp: now, step: 0 },
      ],
    });
    const evaluation = {
      split: result.split.kind,
      model: result.model,
      popularity: result.popularity,
      trainingSeconds: result.trainingSeconds,
      final: { trainedOn: 'all', epochs: final.epochs, seconds: final.seconds },
    };
    await client.uploadArtifact(run, 'evaluation.json', JSON.stringify(evaluation, null, 2));
    for (const [path, body] of Object.entries(modelArtifacts(data, result, final))) await client.uploadArtifact(run, path, body);

    await client.createRegisteredModel(record.registeredModel, 'Implicit ALS recommender (docs/model-artifacts.md)');
    const modelVersion = await client.createModelVersion(record.registeredModel, `${run.info.artifact_uri}/model`, runId, {
      ...datasetTags,
      artifact_format: ARTIFACT_FORMAT,
      'model_recall_at_20': String(result.model['recall@20']),
      'popularity_recall_at_20': String(result.popularity['recall@20']),
      best_epoch: String(result.bestEpoch),
      split: result.split.kind,
      trained_on: 'all',
    });
    const nomination = await registry.nominate({
      model: record.registeredModel,
      version: modelVersion.version,
      actor: 'trainer',
      reason: `trained on ${dataset.rows} interactions (${record.input}), run ${runId}`,
      evidence: {
        run_id: runId,
        dataset_sha256: dataset.sha256,
        split: result.split.kind,
        model_recall_at_20: result.model['recall@20'],
        popularity_recall_at_20: result.popularity['recall@20'],
      },
    });
    await client.finishRun(runId, 'FINISHED');
    return { runId, experimentId, modelVersion, nomination };
  } catch (error) {
    await client.finishRun(runId, 'FAILED').catch(() => undefined);
    throw error;
  }
}
