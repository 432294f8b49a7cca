/**
 * The lake's object layout, a contract read by the feature store's offline job and the model trainer:
 * `events/type=<type>/dt=<yyyy-mm-dd>/hour=<hh>/<topic>-<partition>-<firstOffset>-<lastOffset>.parquet`.
 * The partition comes from the event's own `ts` in UTC, so a late event goes to the hour it happened in.
 */
export const LAKE_ROOT = 'events';

export interface HourPartition {
  type: string;
  /** yyyy-mm-dd (UTC) */
  dt: string;
  /** 00..23 (UTC) */
  hour: string;
}

export interface LakeFileName {
  topic: string;
  partition: number;
  firstOffset: bigint;
  lastOffset: bigint;
}

export interface LakeObject extends HourPartition, LakeFileName {
  key: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function hourPartitionOf(type: string, tsMillis: number): HourPartition {
  const at = new Date(tsMillis);
  return {
    type,
    dt: `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`,
    hour: pad(at.getUTCHours()),
  };
}

/** The first instant after the partition's hour (UTC). */
export function hourEndMillis(partition: HourPartition): number {
  return Date.parse(`${partition.dt}T${partition.hour}:00:00.000Z`) + 3_600_000;
}

export function partitionPrefix(partition: HourPartition): string {
  return `${LAKE_ROOT}/type=${partition.type}/dt=${partition.dt}/hour=${partition.hour}/`;
}

export function fileNameOf(file: LakeFileName): string {
  return `${file.topic}-${file.partition}-${file.firstOffset}-${file.lastOffset}.parquet`;
}

export function objectKey(partition: HourPartition, file: LakeFileName): string {
  return `${partitionPrefix(partition)}${fileNameOf(file)}`;
}

const KEY = /^events\/type=([a-z]+)\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/(.+)-(\d+)-(\d+)-(\d+)\.parquet$/;

/** The partition and offset range an object's key says it holds; undefined for a key outside the layout. */
export function parseObjectKey(key: string): LakeObject | undefined {
  const match = KEY.exec(key);
  if (!match) return undefined;
  const [, type, dt, hour, topic, partition, firstOffset, lastOffset] = match;
  return {
    key,
    type,
    dt,
    hour,
    topic,
    partition: Number(partition),
    firstOffset: BigInt(firstOffset),
    lastOffset: BigInt(lastOffset),
  };
}
