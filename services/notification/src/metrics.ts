import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { NotificationStore } from './notifications/NotificationStore';

export const NOTIFICATION_METRICS = {
  deliveries: 'notification_deliveries_total',
  deliveryDuration: 'notification_delivery_duration_seconds',
  deadLetters: 'notification_dead_letters_total',
  orderEvents: 'notification_order_events_total',
  relayFailures: 'notification_relay_failures_total',
  backlog: 'notification_backlog',
} as const;

/** The service's own metric names (docs/notification-service.md); the dashboard and alerts are written against them. */
export function notificationMetrics(
  registry: Registry,
  store: NotificationStore,
) {
  return {
    /** one per attempt: outcome sent, failed (will be retried), rejected (refused for good), exhausted (attempts used up) */
    deliveries: new Counter({
      name: NOTIFICATION_METRICS.deliveries,
      help: 'Delivery attempts by channel and outcome',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
    deliveryDuration: new Histogram({
      name: NOTIFICATION_METRICS.deliveryDuration,
      help: 'Time the provider took to accept or refuse one message',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: NOTIFICATION_METRICS.deadLetters,
      help: 'Failed notifications written to the dead-letter topic',
      labelNames: ['channel'],
      registers: [registry],
    }),
    /** order events: queued (a confirmation recorded), duplicate (event id seen before), ignored (not a payment) */
    orderEvents: new Counter({
      name: NOTIFICATION_METRICS.orderEvents,
      help: 'orders events handled, by what they led to',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    relayFailures: new Counter({
      name: NOTIFICATION_METRICS.relayFailures,
      help: 'Failed passes of the delivery and dead-letter loops (PostgreSQL or Kafka unavailable)',
      labelNames: ['relay', 'stage'],
      registers: [registry],
    }),
    backlog: new Gauge({
      name: NOTIFICATION_METRICS.backlog,
      help: 'Notifications waiting: queued (due or backing off), awaiting-order, failed-not-dead-lettered',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        try {
          const backlog = await store.backlog();
          this.set({ state: 'queued' }, backlog.queued);
          this.set({ state: 'awaiting-order' }, backlog.awaitingOrder);
          this.set(
            { state: 'failed-not-dead-lettered' },
            backlog.failedNotDeadLettered,
          );
        } catch {
          // PostgreSQL unreachable: readiness says so; the gauge keeps its last values
        }
      },
    }),
  };
}

export type NotificationMetrics = ReturnType<typeof notificationMetrics>;
