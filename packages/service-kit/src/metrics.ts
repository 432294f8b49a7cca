import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The metric names every service exposes; dashboards and alert rules are written against exactly these. */
export const HTTP_METRICS = {
  requests: 'http_requests_total',
  duration: 'http_request_duration_seconds',
} as const;

export interface ServiceMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  duration: Histogram<'route' | 'method' | 'status'>;
}

/** A registry per service instance (not prom-client's global one), so tests can build many services. */
export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const labelNames = ['route', 'method', 'status'] as const;
  return {
    registry,
    requests: new Counter({
      name: HTTP_METRICS.requests,
      help: 'HTTP requests handled, by route template, method and status',
      labelNames,
      registers: [registry],
    }),
    duration: new Histogram({
      name: HTTP_METRICS.duration,
      help: 'HTTP request duration in seconds, by route template, method and status',
      labelNames,
      // finer at the bottom: the recommendation SLO is p95 < 100 ms
      buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
