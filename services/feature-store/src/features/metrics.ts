import { Counter, Registry } from 'prom-client';

export const FEATURE_METRICS = {
  applied: 'feature_events_applied_total',
  duplicates: 'feature_events_duplicates_total',
  redisErrors: 'feature_redis_errors_total',
} as const;

export function featureMetrics(registry: Registry) {
  return {
    applied: new Counter({
      name: FEATURE_METRICS.applied,
      help: 'Events applied to the online features, by source (click, view, cart, purchase, orders, products)',
      labelNames: ['source'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: FEATURE_METRICS.duplicates,
      help: 'Redelivered events skipped because their eventId was already applied',
      labelNames: ['source'],
      registers: [registry],
    }),
    redisErrors: new Counter({
      name: FEATURE_METRICS.redisErrors,
      help: 'Failed Redis calls, by operation (apply, read, write)',
      labelNames: ['operation'],
      registers: [registry],
    }),
  };
}

export type FeatureMetrics = ReturnType<typeof featureMetrics>;
