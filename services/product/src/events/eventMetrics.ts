import { Counter, Gauge, type Registry } from 'prom-client';
import type { ProductStore } from '../products/ProductStore';
import type { OutboxRelayMetrics } from '@platform/service-kit';

/**
 * Publishing health on /metrics: products whose latest change is not on Kafka yet (read at scrape
 * time), events published and failed passes. A growing `product_events_pending` is how a Kafka outage
 * shows while writes keep succeeding.
 */
export function productEventMetrics(
  registry: Registry,
  store: ProductStore,
): OutboxRelayMetrics {
  registry.registerMetric(
    new Gauge({
      name: 'product_events_pending',
      help: 'Products with a change not yet published to Kafka',
      registers: [],
      async collect() {
        this.set(
          await store.collection.countDocuments({ pendingPublish: true }),
        );
      },
    }),
  );
  const published = new Counter({
    name: 'product_events_published_total',
    help: 'Product change events published to Kafka',
    registers: [registry],
  });
  const failed = new Counter({
    name: 'product_event_publish_failures_total',
    help: 'Relay passes that failed to publish (Kafka or MongoDB unavailable)',
    registers: [registry],
  });
  return {
    published: count => published.inc(count),
    failed: () => failed.inc(),
  };
}
