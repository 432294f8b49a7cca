import { z } from 'zod';

export const EVENT_TYPES = ['click', 'view', 'cart', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The Kafka message value of `events.<type>` (TrackedEvent in catalog-info/apis/platform-events.asyncapi.yaml). */
export const trackedEventSchema = z.object({
  eventId: z.string().min(1),
  userId: z.string().nullable(),
  sessionId: z.string().min(1),
  type: z.enum(EVENT_TYPES),
  productId: z.string().optional(),
  ts: z.string().datetime({ offset: true }),
  meta: z.record(z.union([z.string(), z.number(), z.boolean(), z.null()])),
  experiment: z.object({ key: z.string(), variant: z.string() }).optional(),
  receivedAt: z.string().datetime({ offset: true }),
});

export type TrackedEvent = z.infer<typeof trackedEventSchema>;

/** One row of the lake: a tracked event and where it was read from. */
export interface LakeRow {
  eventId: string;
  userId: string | null;
  sessionId: string;
  type: EventType;
  productId: string | null;
  /** epoch milliseconds */
  ts: number;
  receivedAt: number;
  experimentKey: string | null;
  experimentVariant: string | null;
  /** the event's meta object as JSON text */
  meta: string;
  kafkaTopic: string;
  kafkaPartition: number;
  kafkaOffset: bigint;
}

/**
 * The Parquet schema of every lake file, in column order. DuckDB marks every Parquet column OPTIONAL;
 * `nullable: false` is the contract (the sink never writes a null there).
 */
export const LAKE_COLUMNS = [
  { name: 'event_id', sql: 'VARCHAR', nullable: false },
  { name: 'user_id', sql: 'VARCHAR', nullable: true },
  { name: 'session_id', sql: 'VARCHAR', nullable: false },
  { name: 'type', sql: 'VARCHAR', nullable: false },
  { name: 'product_id', sql: 'VARCHAR', nullable: true },
  { name: 'ts', sql: 'TIMESTAMPTZ', nullable: false },
  { name: 'received_at', sql: 'TIMESTAMPTZ', nullable: false },
  { name: 'experiment_key', sql: 'VARCHAR', nullable: true },
  { name: 'experiment_variant', sql: 'VARCHAR', nullable: true },
  { name: 'meta', sql: 'VARCHAR', nullable: false },
  { name: 'kafka_topic', sql: 'VARCHAR', nullable: false },
  { name: 'kafka_partition', sql: 'INTEGER', nullable: false },
  { name: 'kafka_offset', sql: 'BIGINT', nullable: false },
] as const;

export function lakeRowOf(event: TrackedEvent, source: { topic: string; partition: number; offset: string }): LakeRow {
  return {
    eventId: event.eventId,
    userId: event.userId,
    sessionId: event.sessionId,
    type: event.type,
    productId: event.productId ?? null,
    ts: Date.parse(event.ts),
    receivedAt: Date.parse(event.receivedAt),
    experimentKey: event.experiment?.key ?? null,
    experimentVariant: event.experiment?.variant ?? null,
    meta: JSON.stringify(event.meta),
    kafkaTopic: source.topic,
    kafkaPartition: source.partition,
    kafkaOffset: BigInt(source.offset),
  };
}

/** A row's approximate in-memory and Parquet size, for the byte limit of a file. */
export function approximateRowBytes(row: LakeRow): number {
  return (
    row.eventId.length +
    (row.userId?.length ?? 0) +
    row.sessionId.length +
    row.type.length +
    (row.productId?.length ?? 0) +
    (row.experimentKey?.length ?? 0) +
    (row.experimentVariant?.length ?? 0) +
    row.meta.length +
    row.kafkaTopic.length +
    32
  );
}
