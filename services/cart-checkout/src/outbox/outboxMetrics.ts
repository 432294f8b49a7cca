import { Counter, Gauge, type Registry } from 'prom-client';
import type { Pool } from 'pg';
import type { OutboxRelayMetrics } from '@platform/service-kit';
import type { OutboxDestination } from './OutboxRelay';

/**
 * Outbox health on /metrics: rows waiting and rows parked per destination (read at scrape time),
 * deliveries and failed attempts. A growing `outbox_pending_rows{destination="kafka"}` is how a Kafka
 * outage shows while checkout keeps working.
 */
export function outboxMetrics(registry: Registry, pool: Pool) {
  const rows = (name: string, help: string, parked: boolean) =>
    new Gauge({
      name,
      help,
      labelNames: ['destination'],
      registers: [registry],
      async collect() {
        const { rows: counts } = await pool.query<{
          destination: string;
          count: string;
        }>(
          `SELECT destination, count(*) AS count FROM outbox
            WHERE published_at IS NULL AND gave_up_at IS ${
              parked ? 'NOT NULL' : 'NULL'
            }
            GROUP BY destination`,
        );
        this.reset();
        for (const { destination, count } of counts)
          this.set({ destination }, Number(count));
      },
    });
  rows(
    'outbox_pending_rows',
    'Outbox rows waiting for delivery, by destination',
    false,
  );
  rows(
    'outbox_parked_rows',
    'Outbox rows given up after their maximum attempts, by destination',
    true,
  );
  const delivered = new Counter({
    name: 'outbox_delivered_total',
    help: 'Outbox rows delivered, by destination',
    labelNames: ['destination'],
    registers: [registry],
  });
  const failed = new Counter({
    name: 'outbox_delivery_failures_total',
    help: 'Failed outbox delivery attempts (batches), by destination',
    labelNames: ['destination'],
    registers: [registry],
  });
  /** The metrics of one relay; only failed deliveries count as failures, not an unreachable database. */
  return (destination: OutboxDestination): OutboxRelayMetrics => ({
    published: count => delivered.inc({ destination }, count),
    failed: (_error, stage) => {
      if (stage === 'publish') failed.inc({ destination });
    },
  });
}
