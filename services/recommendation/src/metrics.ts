import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The service's metric names; dashboards and alerts are written against these. */
export const RECOMMENDATION_METRICS = {
  requestDuration: 'recommendation_request_duration_seconds',
  scoringDuration: 'recommendation_scoring_duration_seconds',
  modelInfo: 'recommendation_model_info',
  modelLoadFailures: 'recommendation_model_load_failures_total',
  modelLoads: 'recommendation_model_loads_total',
  registryUp: 'recommendation_model_registry_up',
  lastRegistryContact: 'recommendation_model_registry_last_success_timestamp_seconds',
  fallbacks: 'recommendation_fallbacks_total',
  unavailableProducts: 'recommendation_unavailable_products',
  trendingEvents: 'recommendation_trending_window_events',
} as const;

export type RecommendationMetrics = ReturnType<typeof recommendationMetrics>;

export function recommendationMetrics(registry: Registry) {
  const registers = [registry];
  return {
    requestDuration: new Histogram({
      name: RECOMMENDATION_METRICS.requestDuration,
      help: 'GET /recommendations from routing to answer, by served variant and model version',
      labelNames: ['variant', 'model_version'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    scoringDuration: new Histogram({
      name: RECOMMENDATION_METRICS.scoringDuration,
      help: 'In-process ranking (dot products or cosine, top-K, availability filter) of one request, by operation',
      labelNames: ['operation'] as const,
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers,
    }),
    modelInfo: new Gauge({
      name: RECOMMENDATION_METRICS.modelInfo,
      help: 'The model version served for each alias (value 1)',
      labelNames: ['alias', 'version'] as const,
      registers,
    }),
    modelLoadFailures: new Counter({
      name: RECOMMENDATION_METRICS.modelLoadFailures,
      help: 'Model versions not loaded, by reason (download, unparsable_json, wrong_format, size_mismatch, non_finite, bad_index); the previous model stays served',
      labelNames: ['reason'] as const,
      registers,
    }),
    modelLoads: new Counter({
      name: RECOMMENDATION_METRICS.modelLoads,
      help: 'Model versions loaded and swapped in, by alias',
      labelNames: ['alias'] as const,
      registers,
    }),
    registryUp: new Gauge({
      name: RECOMMENDATION_METRICS.registryUp,
      help: '1 when the last poll of the MLflow model registry succeeded, 0 while it is unreachable (the last good models keep serving)',
      registers,
    }),
    lastRegistryContact: new Gauge({
      name: RECOMMENDATION_METRICS.lastRegistryContact,
      help: 'Unix time of the last successful poll of the MLflow model registry',
      registers,
    }),
    fallbacks: new Counter({
      name: RECOMMENDATION_METRICS.fallbacks,
      help: 'Requests answered by a fallback, by reason (cold_start, feature_store_unavailable, alias_missing)',
      labelNames: ['reason'] as const,
      registers,
    }),
    unavailableProducts: new Gauge({
      name: RECOMMENDATION_METRICS.unavailableProducts,
      help: 'Products currently out of stock or deleted, per the products topic (never recommended)',
      registers,
    }),
    trendingEvents: new Gauge({
      name: RECOMMENDATION_METRICS.trendingEvents,
      help: 'Interaction events inside the trending window',
      registers,
    }),
  };
}
