import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The service's registry. The consumer (src/kafkaConsumer.ts) registers kafka_consumer_lag,
 * kafka_consumer_processed_total, kafka_consumer_failed_total and kafka_consumer_dlq_total on it; the dashboard and
 * the alert rules query those and the process metrics, so keep them in step with dashboards/ and alerts/.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return { registry };
}

export type Metrics = ReturnType<typeof createMetrics>;
