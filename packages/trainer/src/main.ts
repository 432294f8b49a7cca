import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadModelRegistryConfig, openModelRegistry } from '@platform/model-registry';
import { loadTrainerEnv } from './config';
import { indexInteractions, Interaction } from './data/interactions';
import { readInteractionsFrom } from './data/readLake';
import { syntheticInteractions } from './data/synthetic';
import { fingerprint } from './data/fingerprint';
import { serviceToken, writeEmbeddingPointers } from './embeddings';
import { recordRun } from './mlflow/recordRun';
import { promoteIfBetter } from './promote';
import { DEFAULT_TRAIN, trainAndEvaluate, trainOnAll } from './train';

const HELP = `yarn train [--input <parquet file|dir|s3://bucket/features/interactions/>] [--synthetic <n>] [--split random|time]
  [--epochs 15] [--patience 3] [--factors 32] [--alpha 10] [--regularization 0.1] [--seed 1]
  [--mlflow <tracking uri, default $MLFLOW_TRACKING_URI>] [--experiment recommender] [--model recommendation-ranker]
  [--promote-margin <m>]
Without --input, trains on <n> (default 100000) synthetic demo-like interactions. Evaluates on a split, then
trains the registered model on all the data for the best epoch count. With a tracking URI, records the run and a
model version, which the registry makes the challenger (MODEL_REGISTRY_DATABASE_URL or DATABASE_URL); with
--promote-margin, promotes it to champion when there is none or it beats the champion's test recall@20 by the
margin. With FEATURE_STORE_URL, the champion's users get their embedding pointers.`;

/** The repository root: `yarn train` runs in packages/trainer; the nearest parent holding `.state`. */
function repoRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.state'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

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
      mlflow: { type: 'string' },
      experiment: { type: 'string', default: 'recommender' },
      model: { type: 'string', default: 'recommendation-ranker' },
      'promote-margin': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const env = loadTrainerEnv();
  const mlflowUri = (values.mlflow ?? env.MLFLOW_TRACKING_URI)?.replace(/\/$/, '');
  if (values.split !== 'random' && values.split !== 'time') throw new Error(`--split must be random or time\n${HELP}`);
  const margin = values['promote-margin'] === undefined ? undefined : Number(values['promote-margin']);
  if (margin !== undefined && !(margin >= 0)) throw new Error('--promote-margin must be a number >= 0');
  if (margin !== undefined && !mlflowUri) throw new Error('--promote-margin needs a tracking URI (--mlflow or MLFLOW_TRACKING_URI)');
  const options = {
    split: values.split,
    epochs: Number(values.epochs),
    patience: Number(values.patience),
    factors: Number(values.factors),
    alpha: Number(values.alpha),
    regularization: Number(values.regularization),
    seed: Number(values.seed),
  } as const;
  let rows: Interaction[];
  if (values.input) {
    const read = await readInteractionsFrom(values.input, env);
    rows = read.rows;
    if (read.files !== undefined) console.log(`${read.files} Parquet objects from ${values.input}`);
  } else rows = syntheticInteractions({ interactions: Number(values.synthetic ?? 100_000), seed: options.seed });
  const data = indexInteractions(rows);
  console.log(`${rows.length} interactions, ${data.userIds.length} users, ${data.itemIds.length} items (${values.input ?? 'synthetic'})`);
  const result = await trainAndEvaluate(data, options, e =>
    console.log(`epoch ${e.epoch}: validation recall@20 ${e['validation_recall@20'].toFixed(4)} (${e.seconds.toFixed(1)} s)`),
  );
  console.log(`training time ${result.trainingSeconds.toFixed(1)} s, best epoch ${result.bestEpoch}, ${options.split} split, test:`);
  console.table({ iALS: result.model, popularity: result.popularity });
  console.log(`recall@20 ratio: ${(result.model['recall@20'] / result.popularity['recall@20']).toFixed(2)}x popularity`);
  const final = trainOnAll(data, options, result.bestEpoch);
  console.log(`final model: all ${rows.length} interactions, ${final.epochs} epochs, ${final.seconds.toFixed(1)} s`);
  if (!mlflowUri) {
    console.log('no tracking URI (--mlflow or MLFLOW_TRACKING_URI): nothing recorded');
    return;
  }

  const opened = await openModelRegistry(loadModelRegistryConfig({ ...process.env, MLFLOW_TRACKING_URI: mlflowUri }));
  try {
    const recorded = await recordRun(opened.mlflow, opened.registry, data, fingerprint(rows), options, result, final, {
      experiment: values.experiment!,
      registeredModel: values.model!,
      input: values.input ?? 'synthetic',
    });
    const version = recorded.modelVersion.version;
    console.log(
      `MLflow run ${recorded.runId} (experiment ${recorded.experimentId}); ${values.model} version ${version} @challenger: ${recorded.modelVersion.source}`,
    );
    if (margin !== undefined) {
      const decision = await promoteIfBetter(opened.registry, opened.mlflow, { model: values.model!, version, margin });
      console.log(`${decision.promoted ? 'promoted to champion' : 'not promoted'}: ${decision.reason}`);
    }

    if (!env.FEATURE_STORE_URL) {
      console.log('FEATURE_STORE_URL is not set: embedding pointers not written');
      return;
    }
    const champion = (await opened.registry.aliases(values.model!)).champion;
    if (champion !== version) {
      console.log(`embedding pointers not written: version ${version} is not the champion (${champion ?? 'none'}); the pointers follow the champion`);
      return;
    }
    const pointers = await writeEmbeddingPointers({
      featureStoreUrl: env.FEATURE_STORE_URL,
      token: await serviceToken(env, repoRoot()),
      model: values.model!,
      version,
      userIds: data.userIds,
      concurrency: env.EMBEDDING_WRITE_CONCURRENCY,
      onProgress: (done, total) => console.log(`embedding pointers: ${done}/${total}`),
    });
    console.log(
      `embedding pointers of ${values.model} v${version}: ${pointers.written} written, ${pointers.skipped} skipped (not UUIDs), ${pointers.failed.length} failed`,
    );
    for (const failure of pointers.failed.slice(0, 5)) console.log(`  ${failure.userId}: ${failure.error}`);
    if (pointers.failed.length) process.exitCode = 1;
  } finally {
    await opened.close();
  }
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
