import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import { createBatchConsumer, type BatchConsumer, type BatchConsumerOptions, type ConsumedMessage } from '@platform/service-kit';

type Logger = NonNullable<BatchConsumerOptions<unknown>['logger']>;

/** The part of a `TrackedEvent` (platform-events.asyncapi.yaml) the results need. */
const trackedEvent = z.object({
  eventId: z.string().uuid(),
  userId: z.string().uuid().nullable(),
  type: z.enum(['view', 'click', 'cart', 'purchase']),
  ts: z.string().datetime({ offset: true }),
  meta: z.record(z.unknown()).default({}),
  experiment: z.object({ key: z.string().min(1), variant: z.string().min(1) }).optional(),
});

export type TrackedEvent = z.infer<typeof trackedEvent>;

export const RESULTS_METRICS = { events: 'ab_results_events_total' } as const;

/** Why an event was or was not counted. */
export type IngestOutcome = 'counted' | 'duplicate' | 'no-experiment' | 'anonymous' | 'unknown-experiment' | 'unknown-variant' | 'invalid';

/** Revenue of a purchase in cents: `meta.price` (per unit, the currency's main unit) × `meta.quantity` (default 1). */
export function revenueCents(event: Pick<TrackedEvent, 'type' | 'meta'>): number {
  if (event.type !== 'purchase') return 0;
  const price = event.meta.price;
  const quantity = event.meta.quantity ?? 1;
  if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) return 0;
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) return 0;
  return Math.round(price * 100) * quantity;
}

interface Counted {
  eventId: string;
  experimentId: string;
  variant: string;
  userId: string;
  type: TrackedEvent['type'];
  at: Date;
  revenueCents: number;
}

interface UserRow {
  experimentId: string;
  variant: string;
  userId: string;
  exposures: number;
  clicks: number;
  carts: number;
  purchases: number;
  revenueCents: number;
  firstSeen: Date;
  lastSeen: Date;
  firstPurchaseAt: Date | null;
}

interface DayRow {
  experimentId: string;
  variant: string;
  day: string;
  exposures: number;
  clicks: number;
  carts: number;
  purchases: number;
  revenueCents: number;
}

const COUNTER: Record<TrackedEvent['type'], 'exposures' | 'clicks' | 'carts' | 'purchases'> = {
  view: 'exposures',
  click: 'clicks',
  cart: 'carts',
  purchase: 'purchases',
};

const compare = (a: string, b: string) => (a < b ? -1 : Number(a > b));
const byKey = <T>(rows: Map<string, T>) => [...rows.entries()].sort(([a], [b]) => compare(a, b)).map(([, row]) => row);

/**
 * Turns interaction events carrying `experiment: {key, variant}` into the results aggregates, once per event id:
 * in one transaction the batch's event ids go into `processed_events` (`ON CONFLICT DO NOTHING RETURNING`), and
 * only the ids that were new are added to `result_users` (experiment, variant, user) and `result_daily`
 * (experiment, variant, UTC day of `ts`). A redelivered event, in the same batch or months later, is counted once.
 * Views are exposures; clicks, carts and purchases are outcomes; a purchase's revenue is `meta.price` ×
 * `meta.quantity`. Events without an experiment, of anonymous visitors, of an experiment or variant the service
 * does not know, are not counted.
 */
export class ResultsIngestor {
  private readonly events?: Counter<'outcome'>;

  constructor(private readonly pool: Pool, registry?: Registry) {
    if (registry) {
      this.events = new Counter({
        name: RESULTS_METRICS.events,
        help: 'Interaction events seen by the results ingestion, by outcome (counted, duplicate, or why not counted)',
        labelNames: ['outcome'] as const,
        registers: [registry],
      });
    }
  }

  /** Counts the events of one batch (raw values as consumed); resolves once PostgreSQL committed. */
  async ingest(values: unknown[]): Promise<Record<IngestOutcome, number>> {
    const outcomes: Record<IngestOutcome, number> = {
      counted: 0,
      duplicate: 0,
      'no-experiment': 0,
      anonymous: 0,
      'unknown-experiment': 0,
      'unknown-variant': 0,
      invalid: 0,
    };
    const candidates = new Map<string, TrackedEvent & { experiment: { key: string; variant: string }; userId: string }>();
    for (const value of values) {
      const parsed = trackedEvent.safeParse(value);
      if (!parsed.success) outcomes.invalid++;
      else if (!parsed.data.experiment) outcomes['no-experiment']++;
      else if (!parsed.data.userId) outcomes.anonymous++;
      else if (candidates.has(parsed.data.eventId)) outcomes.duplicate++;
      else candidates.set(parsed.data.eventId, parsed.data as never);
    }
    if (candidates.size) {
      const keys = [...new Set([...candidates.values()].map(event => event.experiment.key))];
      const { rows } = await this.pool.query<{ id: string; key: string; variants: Array<{ name: string }> }>(
        'SELECT id, key, variants FROM experiments WHERE key = ANY($1::text[])',
        [keys],
      );
      const experiments = new Map(rows.map(row => [row.key, { id: row.id, variants: new Set(row.variants.map(v => v.name)) }]));
      const known: Counted[] = [];
      for (const event of candidates.values()) {
        const experiment = experiments.get(event.experiment.key);
        if (!experiment) outcomes['unknown-experiment']++;
        else if (!experiment.variants.has(event.experiment.variant)) outcomes['unknown-variant']++;
        else {
          known.push({
            eventId: event.eventId,
            experimentId: experiment.id,
            variant: event.experiment.variant,
            userId: event.userId.toLowerCase(),
            type: event.type,
            at: new Date(event.ts),
            revenueCents: revenueCents(event),
          });
        }
      }
      if (known.length) {
        const counted = await this.count(known);
        outcomes.counted += counted;
        outcomes.duplicate += known.length - counted;
      }
    }
    for (const [outcome, n] of Object.entries(outcomes)) if (n) this.events?.inc({ outcome }, n);
    return outcomes;
  }

  private async count(events: Counted[]): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ event_id: string }>(
        `INSERT INTO processed_events (event_id, experiment_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[])
         ON CONFLICT (event_id) DO NOTHING
         RETURNING event_id`,
        [events.map(e => e.eventId), events.map(e => e.experimentId)],
      );
      const fresh = new Set(rows.map(row => row.event_id));
      const counted = events.filter(event => fresh.has(event.eventId));
      if (counted.length) await this.accumulate(client, counted);
      await client.query('COMMIT');
      return counted.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async accumulate(client: PoolClient, events: Counted[]): Promise<void> {
    const users = new Map<string, UserRow>();
    const days = new Map<string, DayRow>();
    for (const event of events) {
      const userKey = `${event.experimentId}|${event.variant}|${event.userId}`;
      const user =
        users.get(userKey) ??
        users
          .set(userKey, {
            experimentId: event.experimentId,
            variant: event.variant,
            userId: event.userId,
            exposures: 0,
            clicks: 0,
            carts: 0,
            purchases: 0,
            revenueCents: 0,
            firstSeen: event.at,
            lastSeen: event.at,
            firstPurchaseAt: null,
          })
          .get(userKey)!;
      user[COUNTER[event.type]]++;
      user.revenueCents += event.revenueCents;
      if (event.at < user.firstSeen) user.firstSeen = event.at;
      if (event.at > user.lastSeen) user.lastSeen = event.at;
      if (event.type === 'purchase' && (!user.firstPurchaseAt || event.at < user.firstPurchaseAt)) user.firstPurchaseAt = event.at;

      const day = event.at.toISOString().slice(0, 10);
      const dayKey = `${event.experimentId}|${event.variant}|${day}`;
      const daily =
        days.get(dayKey) ??
        days
          .set(dayKey, {
            experimentId: event.experimentId,
            variant: event.variant,
            day,
            exposures: 0,
            clicks: 0,
            carts: 0,
            purchases: 0,
            revenueCents: 0,
          })
          .get(dayKey)!;
      daily[COUNTER[event.type]]++;
      daily.revenueCents += event.revenueCents;
    }
    // rows in key order, so that concurrent batches (other partitions, other replicas) lock them in one order
    const userRows = byKey(users);
    await client.query(
      `INSERT INTO result_users AS r (experiment_id, variant, user_id, exposures, clicks, carts, purchases, revenue_cents,
                                      first_seen, last_seen, first_purchase_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[], $5::int[], $6::int[], $7::int[], $8::bigint[],
                            $9::timestamptz[], $10::timestamptz[], $11::timestamptz[])
       ON CONFLICT (experiment_id, variant, user_id) DO UPDATE SET
         exposures = r.exposures + EXCLUDED.exposures,
         clicks = r.clicks + EXCLUDED.clicks,
         carts = r.carts + EXCLUDED.carts,
         purchases = r.purchases + EXCLUDED.purchases,
         revenue_cents = r.revenue_cents + EXCLUDED.revenue_cents,
         first_seen = LEAST(r.first_seen, EXCLUDED.first_seen),
         last_seen = GREATEST(r.last_seen, EXCLUDED.last_seen),
         first_purchase_at = LEAST(r.first_purchase_at, EXCLUDED.first_purchase_at)`,
      [
        userRows.map(r => r.experimentId),
        userRows.map(r => r.variant),
        userRows.map(r => r.userId),
        userRows.map(r => r.exposures),
        userRows.map(r => r.clicks),
        userRows.map(r => r.carts),
        userRows.map(r => r.purchases),
        userRows.map(r => r.revenueCents),
        userRows.map(r => r.firstSeen),
        userRows.map(r => r.lastSeen),
        userRows.map(r => r.firstPurchaseAt),
      ],
    );
    const dayRows = byKey(days);
    await client.query(
      `INSERT INTO result_daily AS d (experiment_id, variant, day, exposures, clicks, carts, purchases, revenue_cents)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
       ON CONFLICT (experiment_id, variant, day) DO UPDATE SET
         exposures = d.exposures + EXCLUDED.exposures,
         clicks = d.clicks + EXCLUDED.clicks,
         carts = d.carts + EXCLUDED.carts,
         purchases = d.purchases + EXCLUDED.purchases,
         revenue_cents = d.revenue_cents + EXCLUDED.revenue_cents`,
      [
        dayRows.map(r => r.experimentId),
        dayRows.map(r => r.variant),
        dayRows.map(r => r.day),
        dayRows.map(r => r.exposures),
        dayRows.map(r => r.clicks),
        dayRows.map(r => r.carts),
        dayRows.map(r => r.purchases),
        dayRows.map(r => r.revenueCents),
      ],
    );
  }
}

/**
 * The results ingestion as a member of its consumer group: the kit's batch consumer over the interaction topics
 * (a new group starts at the earliest offset), committing a batch only after PostgreSQL committed its counts.
 */
export function createResultsConsumer(options: {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  ingestor: ResultsIngestor;
  registry?: Registry;
  logger?: Logger;
  onShutdown?: (hook: () => Promise<void>) => void;
}): BatchConsumer {
  return createBatchConsumer<unknown>({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: options.topics,
    fromBeginning: true,
    maxBatchSize: 1000,
    registry: options.registry,
    logger: options.logger,
    onShutdown: options.onShutdown,
    handleBatch: async (messages: ConsumedMessage<unknown>[]) => {
      await options.ingestor.ingest(messages.map(message => message.value));
    },
  });
}
