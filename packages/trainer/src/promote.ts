import { HistoryEntry, MlflowClient, ModelRegistry, RegistryPreconditionError } from '@platform/model-registry';

/** The offline metric the promotion compares: test recall@20 of the split run, a tag of every version. */
export const PROMOTION_METRIC = 'model_recall_at_20';

export interface PromotionDecision {
  promoted: boolean;
  /** why, in words (also the registry's reason when promoted) */
  reason: string;
  evidence: {
    metric: string;
    margin: number;
    challenger: { version: string; recall_at_20: number; dataset_sha256?: string };
    champion: { version: string; recall_at_20: number | null; dataset_sha256?: string } | null;
    /** both were evaluated on the same data (same dataset fingerprint): the comparison is like for like */
    same_dataset: boolean | null;
  };
  entry?: HistoryEntry;
}

const tagsOf = (version: { tags?: { key: string; value: string }[] }) =>
  Object.fromEntries((version.tags ?? []).map(t => [t.key, t.value]));

/**
 * Promotes the challenger (or `version`) to champion when there is no champion yet, or when its test
 * recall@20 beats the champion's by at least `margin` (absolute: 0.02 = two points of recall). The registry's
 * promote runs with the actor `trainer`, the champion the decision saw as its precondition, and both metrics as
 * evidence. Otherwise nothing moves and the decision says why.
 */
export async function promoteIfBetter(
  registry: ModelRegistry,
  mlflow: MlflowClient,
  options: { model: string; version?: string; margin: number; actor?: string },
): Promise<PromotionDecision> {
  if (!(options.margin >= 0)) throw new Error(`the promotion margin must be >= 0, not ${options.margin}`);
  const aliases = await registry.aliases(options.model);
  const version = options.version ?? aliases.challenger;
  if (!version) throw new RegistryPreconditionError('NO_CHALLENGER', options.model, 'no challenger to compare');
  const challengerTags = tagsOf(await mlflow.getModelVersion(options.model, version));
  const challengerRecall = Number(challengerTags[PROMOTION_METRIC]);
  if (!Number.isFinite(challengerRecall)) throw new Error(`${options.model} version ${version} has no numeric ${PROMOTION_METRIC} tag`);
  const challenger = { version, recall_at_20: challengerRecall, dataset_sha256: challengerTags.dataset_sha256 };

  let champion: PromotionDecision['evidence']['champion'] = null;
  if (aliases.champion) {
    const championTags = tagsOf(await mlflow.getModelVersion(options.model, aliases.champion));
    const recall = Number(championTags[PROMOTION_METRIC]);
    champion = { version: aliases.champion, recall_at_20: Number.isFinite(recall) ? recall : null, dataset_sha256: championTags.dataset_sha256 };
  }
  const evidence: PromotionDecision['evidence'] = {
    metric: `test recall@20 (${PROMOTION_METRIC})`,
    margin: options.margin,
    challenger,
    champion,
    same_dataset: champion ? Boolean(champion.dataset_sha256) && champion.dataset_sha256 === challenger.dataset_sha256 : null,
  };

  let reason: string;
  if (!champion) reason = `first champion: no champion yet (recall@20 ${challengerRecall.toFixed(4)})`;
  else if (champion.version === version) return { promoted: false, reason: `version ${version} is already the champion`, evidence };
  else if (champion.recall_at_20 === null)
    return { promoted: false, reason: `champion ${champion.version} has no ${PROMOTION_METRIC} tag: not comparable, kept`, evidence };
  else {
    const gain = challengerRecall - champion.recall_at_20;
    const text = `recall@20 ${challengerRecall.toFixed(4)} vs champion ${champion.version}'s ${champion.recall_at_20.toFixed(4)} (${gain >= 0 ? '+' : ''}${gain.toFixed(4)}, margin ${options.margin})`;
    // 1e-12: 0.30 - 0.28 is 0.01999... in floating point
    if (!(gain > 0 && gain + 1e-12 >= options.margin)) return { promoted: false, reason: `champion kept: ${text}`, evidence };
    reason = `beats the champion: ${text}`;
  }
  const entry = await registry.promote({
    model: options.model,
    version,
    ifChampion: aliases.champion,
    actor: options.actor ?? 'trainer',
    reason,
    evidence,
  });
  return { promoted: true, reason, evidence, entry };
}
