import { parseArgs } from 'node:util';
import { indexInteractions, Interaction } from './data/interactions';
import { readInteractions } from './data/readInteractions';
import { syntheticInteractions } from './data/synthetic';
import { fingerprint } from './data/fingerprint';
import { MlflowClient } from '@platform/model-registry';
import { recordRun } from './mlflow/recordRun';
import { DEFAULT_TRAIN, trainAndEvaluate } from './train';

const HELP = `yarn train [--input <parquet file|dir>] [--synthetic <n>] [--split random|time] [--epochs 15]
  [--patience 3] [--factors 32] [--alpha 10] [--regularization 0.1] [--seed 1]
  [--mlflow <tracking uri, default $MLFLOW_TRACKING_URI>] [--experiment recommender] [--model recommender-ials]
  [--alias challenger]
Without --input, trains on <n> (default 100000) synthetic demo-like interactions. With a tracking URI, records
the run, its artifacts and a model version with the alias in MLflow.`;

async function main() {
  const { values } = parseArgs({
    options: {
      input: { type: 'string' },
      synthetic: { type: 'string' },
      split: { type: 'string', default: DEFAULT_TRAIN.split },
      epochs: { type: 'string', default: String(DEFAULT_TRAIN.epochs) },
      patience: { type: 'string', default: String(DEFAULT_TRAIN.patience) },
      factors: { type: 'string', default: String(DEFAULT_TRAIN.factors) },
      alpha: { type: 'string', default: String(DEFAULT_TRAIN.alpha) },
      regularization: { type: 'string', default: String(DEFAULT_TRAIN.regularization) },
      seed: { type: 'string', default: String(DEFAULT_TRAIN.seed) },
      mlflow: { type: 'string', default: process.env.MLFLOW_TRACKING_URI },
      experiment: { type: 'string', default: 'recommender' },
      model: { type: 'string', default: 'recommender-ials' },
      alias: { type: 'string', default: 'challenger' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.split !== 'random' && values.split !== 'time') throw new Error(`--split must be random or time\n${HELP}`);
  const options = {
    split: values.split,
    epochs: Number(values.epochs),
    patience: Number(values.patience),
    factors: Number(values.factors),
    alpha: Number(values.alpha),
    regularization: Number(values.regularization),
    seed: Number(values.seed),
  } as const;
  const rows: Interaction[] = values.input
    ? await readInteractions(values.input)
    : syntheticInteractions({ interactions: Number(values.synthetic ?? 100_000), seed: options.seed });
  const data = indexInteractions(rows);
  console.log(`${rows.length} interactions, ${data.userIds.length} users, ${data.itemIds.length} items (${values.input ?? 'synthetic'})`);
  const result = await trainAndEvaluate(data, options, e =>
    console.log(`epoch ${e.epoch}: validation recall@20 ${e['validation_recall@20'].toFixed(4)} (${e.seconds.toFixed(1)} s)`),
  );
  console.log(`training time ${result.trainingSeconds.toFixed(1)} s, best epoch ${result.bestEpoch}, ${options.split} split, test:`);
  console.table({ iALS: result.model, popularity: result.popularity });
  if (!values.mlflow) return;
  const dataset = fingerprint(rows);
  const recorded = await recordRun(new MlflowClient(values.mlflow.replace(/\/$/, '')), data, dataset, options, result, {
    experiment: values.experiment!,
    registeredModel: values.model!,
    alias: values.alias!,
    input: values.input ?? 'synthetic',
  });
  console.log(
    `MLflow run ${recorded.runId} (experiment ${recorded.experimentId}); ${values.model} version ${recorded.modelVersion.version} @${values.alias}: ${recorded.modelVersion.source}`,
  );
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
