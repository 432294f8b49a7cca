import { Counter, Histogram, type Registry } from 'prom-client';
import type { EventPublisherOptions } from './EventPublisher';

/**
 * Ingestion on /metrics: events accepted and rejected per type (`unknown` when the type itself is
 * invalid), dead letters written, and the latency of each Kafka send (acknowledged by all replicas).
 */
export function eventMetrics(registry: Registry) {
  const accepted = new Counter({
    name: 'events_accepted_total',
    help: 'Events acknowledged by Kafka on events.<type>',
    labelNames: ['type'],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'events_rejected_total',
    help: 'Events of a batch that failed validation',
    labelNames: ['type'],
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'events_dead_lettered_total',
    help: 'Rejected events copied to events.<type>.dlq',
    labelNames: ['type'],
    registers: [registry],
  });
  const produceDuration = new Histogram({
    name: 'event_produce_duration_seconds',
    help: 'Duration of one Kafka send of events (acks from all in-sync replicas)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const produceFailures = new Counter({
    name: 'event_produce_failures_total',
    help: 'Kafka sends of events that failed or timed out (answered 503)',
    registers: [registry],
  });
  const publisherHooks: Pick<EventPublisherOptions, 'onSent' | 'onFailed'> = {
    onSent: (_records, seconds) => produceDuration.observe(seconds),
    onFailed: () => produceFailures.inc(),
  };
  return { accepted, rejected, deadLettered, publisherHooks };
}

export type EventMetrics = ReturnType<typeof eventMetrics>;
