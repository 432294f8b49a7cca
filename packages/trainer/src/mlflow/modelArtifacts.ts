import { IndexedInteractions } from '../data/interactions';
import { popularityScores } from '../evaluation/popularity';
import { FinalModel, TrainResult } from '../train';

export const ARTIFACT_FORMAT = 'platform-ials-v1';

/**
 * The files of a model version under `model/` (docs/model-artifacts.md): a contract of the recommender. The
 * factors and the popularity list are the final model's (trained on all the data), `bestEpoch` and `split` say
 * which split run chose its epoch count.
 */
export function modelArtifacts(data: IndexedInteractions, result: TrainResult, final: FinalModel): Record<string, Uint8Array | string> {
  const { factors } = final;
  const popularity = popularityScores(final.train, data.itemIds.length);
  const byPopularity = data.itemIds.map((_, i) => i).sort((a, b) => popularity[b] - popularity[a] || a - b);
  const manifest = {
    format: ARTIFACT_FORMAT,
    factors: factors.factors,
    users: data.userIds.length,
    items: data.itemIds.length,
    dtype: 'float32',
    byteOrder: 'little-endian',
    layout: 'row-major',
    score: 'dot(user_factors[u], item_factors[i])',
    files: {
      itemFactors: 'item_factors.bin',
      userFactors: 'user_factors.bin',
      itemIndex: 'item_index.json',
      userIndex: 'user_index.json',
      popularity: 'popularity.json',
    },
    bestEpoch: result.bestEpoch,
    split: result.split.kind,
    trainedOn: 'all',
    epochs: final.epochs,
  };
  const bytes = (array: Float32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return {
    'model/manifest.json': JSON.stringify(manifest, null, 2),
    'model/item_factors.bin': bytes(factors.items),
    'model/user_factors.bin': bytes(factors.users),
    'model/item_index.json': JSON.stringify(data.itemIds),
    'model/user_index.json': JSON.stringify(data.userIds),
    'model/popularity.json': JSON.stringify(byPopularity.map(i => data.itemIds[i])),
  };
}
