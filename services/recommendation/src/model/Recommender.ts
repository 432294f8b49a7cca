import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AvailabilityMap } from '../availability/AvailabilityMap';
import type { RecommendationMetrics } from '../metrics';
import type { TrendingWindow } from '../trending/TrendingWindow';
import type { LoadedModel } from './artifact';
import type { DotScorer } from './DotScorer';
import type { ModelStore } from './ModelStore';
import { rankByCosine, rankByPopularity, type Scored, userVector } from './scoring';

/** Where the user vector came from: the feature store's pointer, the model's own user index, or none (popularity). */
export type RecommendationSource = 'feature-store' | 'model-user-index' | 'popularity';
export type FallbackReason = 'cold_start' | 'feature_store_unavailable' | 'alias_missing';

export interface ServedModel {
  name: string;
  version: string;
  alias: string;
}

export interface Recommendations {
  userId: string;
  variant: string;
  modelVersion: string;
  model: ServedModel;
  source: RecommendationSource;
  fallbacks: FallbackReason[];
  items: Scored[];
}

export interface RecommenderOptions {
  store: ModelStore;
  /** the user x items dot products (WebAssembly) of the store's models */
  scorer: DotScorer;
  /** variant → alias; `control` is always there */
  variantAliases: Record<string, string>;
  redis: Redis;
  featureKeyPrefix: string;
  availability: AvailabilityMap;
  trending: TrendingWindow;
  metrics: RecommendationMetrics;
  logger: Logger;
}

export class ModelNotLoaded extends Error {}

interface EmbeddingPointer {
  model?: unknown;
  version?: unknown;
  row?: unknown;
}

const served = (model: LoadedModel, alias: string): ServedModel => ({ name: model.name, version: model.version, alias });

/** Ranking per request: everything in memory except one Redis read (the user's embedding pointer). */
export class Recommender {
  constructor(private readonly options: RecommenderOptions) {}

  /** the variant a request is served under: the requested one when the map knows it, else control */
  variantOf(requested: string | undefined): string {
    return requested && Object.hasOwn(this.options.variantAliases, requested) ? requested : 'control';
  }

  /** the model of a variant: its alias's, else (alias missing) the primary alias's */
  modelFor(variant: string): { model: LoadedModel; alias: string; aliasMissing: boolean } {
    const { store, variantAliases } = this.options;
    const alias = variantAliases[variant];
    const own = store.get(alias);
    if (own) return { model: own, alias, aliasMissing: false };
    const champion = store.champion();
    if (!champion) throw new ModelNotLoaded(`no model of ${store.primaryAlias} loaded yet`);
    return { model: champion, alias: store.primaryAlias, aliasMissing: true };
  }

  async recommend(userId: string, requestedVariant: string | undefined, topK: number): Promise<Recommendations> {
    const { metrics, availability, scorer } = this.options;
    const variant = this.variantOf(requestedVariant);
    const pointer = await this.embeddingPointer(userId);
    // one model object for the rest of the request, taken after the only wait: from here to the answer nothing
    // yields, so an alias swap changes nothing here and a retired model's matrix is never freed under a request
    const { model, alias, aliasMissing } = this.modelFor(variant);
    const fallbacks: FallbackReason[] = aliasMissing ? ['alias_missing'] : [];

    let row: number | undefined;
    let source: RecommendationSource = 'popularity';
    if (pointer === 'unavailable') fallbacks.push('feature_store_unavailable');
    else if (
      pointer &&
      pointer.model === model.name &&
      String(pointer.version) === model.version &&
      Number.isSafeInteger(pointer.row) &&
      (pointer.row as number) >= 0 &&
      (pointer.row as number) < model.users
    ) {
      row = pointer.row as number;
      source = 'feature-store';
    }
    if (row === undefined) {
      row = model.userRow.get(userId);
      if (row !== undefined) source = 'model-user-index';
    }
    if (row === undefined) fallbacks.push('cold_start');
    for (const reason of fallbacks) metrics.fallbacks.inc({ reason });

    const stop = metrics.scoringDuration.startTimer({ operation: source === 'popularity' ? 'popularity' : 'dot' });
    const items =
      row === undefined
        ? rankByPopularity(model, topK, availability.excluded)
        : scorer.rank(model, userVector(model, row), topK, availability.excluded);
    stop();
    return { userId, variant, modelVersion: model.version, model: served(model, alias), source, fallbacks, items };
  }

  /** Items closest to a product in the champion's item embeddings; undefined when the model does not know it. */
  similar(productId: string, topK: number): { model: ServedModel; items: Scored[] } | undefined {
    const { store, metrics, availability } = this.options;
    const model = store.champion();
    if (!model) throw new ModelNotLoaded(`no model of ${store.primaryAlias} loaded yet`);
    const row = model.itemRow.get(productId);
    if (row === undefined) return undefined;
    const stop = metrics.scoringDuration.startTimer({ operation: 'cosine' });
    const items = rankByCosine(model, row, topK, availability.excluded);
    stop();
    return { model: served(model, store.primaryAlias), items };
  }

  /** The heaviest products of the recent interaction window, then the champion's popularity list to fill up. */
  trending(topK: number): { model: ServedModel; windowEvents: number; items: Array<Scored & { basis: 'events' | 'popularity' }> } {
    const { store, availability, trending } = this.options;
    const model = store.champion();
    if (!model) throw new ModelNotLoaded(`no model of ${store.primaryAlias} loaded yet`);
    const items: Array<Scored & { basis: 'events' | 'popularity' }> = trending
      .top(topK, availability.excluded)
      .map(item => ({ ...item, basis: 'events' }));
    if (items.length < topK) {
      const taken = new Set(items.map(i => i.productId));
      for (const item of rankByPopularity(model, topK, id => taken.has(id) || availability.excluded(id))) {
        if (items.length >= topK) break;
        // below every event-based score (>= 1): popularity fills in with scores in (0, 1)
        items.push({ productId: item.productId, score: item.score * 0.999, basis: 'popularity' });
      }
    }
    return { model: served(model, store.primaryAlias), windowEvents: trending.size, items };
  }

  private async embeddingPointer(userId: string): Promise<EmbeddingPointer | null | 'unavailable'> {
    let raw: string | null;
    try {
      raw = await this.options.redis.hget(`${this.options.featureKeyPrefix}user:${userId}`, 'embedding');
    } catch (error) {
      this.options.logger.debug({ err: error }, 'feature store read failed');
      return 'unavailable';
    }
    if (raw === null) return null;
    try {
      const parsed = JSON.parse(raw) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as EmbeddingPointer) : null;
    } catch {
      return null;
    }
  }
}
