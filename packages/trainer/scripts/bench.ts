import { indexInteractions } from '../src/data/interactions';
import { syntheticInteractions } from '../src/data/synthetic';
import { DEFAULT_TRAIN, trainAndEvaluate } from '../src/train';

// yarn workspace @platform/trainer bench [interactions] [random|time]: iALS on demo-like synthetic data
async function main() {
  const count = Number(process.argv[2] ?? 100_000);
  const split = (process.argv[3] ?? 'random') as 'random' | 'time';
  const data = indexInteractions(syntheticInteractions({ interactions: count, seed: 1 }));
  console.log(`${data.user.length} interactions, ${data.userIds.length} users, ${data.itemIds.length} items, split ${split}`);
  const result = await trainAndEvaluate(data, { ...DEFAULT_TRAIN, split }, e =>
    console.log(`epoch ${e.epoch}: validation recall@20 ${e['validation_recall@20'].toFixed(4)} at ${e.seconds.toFixed(1)} s`),
  );
  console.log(`training ${result.trainingSeconds.toFixed(1)} s, best epoch ${result.bestEpoch}`);
  console.table({ iALS: result.model, popularity: result.popularity });
  console.log(`recall@20 ratio: ${(result.model['recall@20'] / result.popularity['recall@20']).toFixed(2)}x popularity`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
