import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metric names the dashboard and alert rules query; keep them in step with dashboards/ and alerts/. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds by route, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    prediction: new Histogram({
      name: 'model_prediction_duration_seconds',
      help: 'POST /v1/predict from routing to answer, by the model version that answered',
      labelNames: ['model_version'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    modelInfo: new Gauge({
      name: 'model_info',
      help: 'The model version served (value 1)',
      labelNames: ['model', 'alias', 'version'] as const,
      registers,
    }),
    modelLoads: new Counter({
      name: 'model_loads_total',
      help: 'Model versions loaded and swapped in',
      registers,
    }),
    modelLoadFailures: new Counter({
      name: 'model_load_failures_total',
      help: 'Model versions not loaded, by reason (download, unparsable, wrong_format); the previous version stays served',
      labelNames: ['reason'] as const,
      registers,
    }),
    registryUp: new Gauge({
      name: 'model_registry_up',
      help: '1 when the last poll of the MLflow model registry succeeded, 0 while it is unreachable (the loaded model keeps serving)',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
