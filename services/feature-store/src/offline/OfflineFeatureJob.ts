import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { LAKE_ROOT, parseObjectKey } from '@platform/data-lake';
import { FREQUENCY_WINDOWS, INTERACTION_TYPES, INTERACTION_WEIGHTS } from '../features/model';

/** Where the job writes, in the lake's bucket (or under a local directory): the trainer's contract, docs/features.md. */
export const FEATURES_ROOT = 'features';
export const snapshotKey = (dt: string) => `${FEATURES_ROOT}/snapshots/dt=${dt}/part-0.parquet`;
export const interactionsKey = (dt: string) => `${FEATURES_ROOT}/interactions/dt=${dt}/part-0.parquet`;

export interface OfflineJobOptions {
  s3: S3Client;
  /** the lake's bucket: events are read from `events/`, features written to `features/` */
  bucket: string;
  /** first and last UTC day (yyyy-mm-dd), inclusive */
  from: string;
  to: string;
  /** write the files under this directory (same relative keys) instead of to S3 */
  outDir?: string;
}

export interface OfflineJobResult {
  lakeObjects: number;
  days: Array<{ dt: string; snapshotRows: number; interactionRows: number }>;
}

const DAY_MS = 86_400_000;
const dayStart = (dt: string) => Date.parse(`${dt}T00:00:00.000Z`);
const isoDay = (millis: number) => new Date(millis).toISOString().slice(0, 10);
const tsLiteral = (millis: number) => `TIMESTAMPTZ '${new Date(millis).toISOString().replace('T', ' ').replace('Z', '+00')}'`;

export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let at = dayStart(from); at <= dayStart(to); at += DAY_MS) days.push(isoDay(at));
  return days;
}

/** Features of every user as of the end of day `dt`, from events with ts before that instant only. */
function snapshotQuery(dt: string): string {
  const end = dayStart(dt) + DAY_MS;
  const columns = [
    `user_id`,
    `${tsLiteral(end)} AS as_of`,
    `max(ts) AS last_interaction_at`,
    ...INTERACTION_TYPES.map(type => `max(ts) FILTER (WHERE type = '${type}') AS last_${type}_at`),
    ...Object.entries(FREQUENCY_WINDOWS).flatMap(([name, days]) => {
      const since = tsLiteral(end - days * DAY_MS);
      return [
        ...INTERACTION_TYPES.map(type => `count(*) FILTER (WHERE type = '${type}' AND ts >= ${since})::INTEGER AS ${type}_${name}`),
        `count(*) FILTER (WHERE ts >= ${since})::INTEGER AS total_${name}`,
      ];
    }),
  ];
  return `SELECT ${columns.join(', ')} FROM events WHERE ts < ${tsLiteral(end)} GROUP BY user_id ORDER BY user_id`;
}

/** The interactions of signed-in users with a product on day `dt`, weighted by type. */
function interactionsQuery(dt: string): string {
  const weight = `CASE type ${INTERACTION_TYPES.map(t => `WHEN '${t}' THEN ${INTERACTION_WEIGHTS[t]}`).join(' ')} END::DOUBLE`;
  return (
    `SELECT user_id AS "userId", product_id AS "itemId", ts, type, ${weight} AS weight FROM events ` +
    `WHERE product_id IS NOT NULL AND ts >= ${tsLiteral(dayStart(dt))} AND ts < ${tsLiteral(dayStart(dt) + DAY_MS)} ` +
    `ORDER BY ts, event_id`
  );
}

async function listLake(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${LAKE_ROOT}/`, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map(object => object.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function count(connection: DuckDBConnection, file: string): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${file}')`);
  return Number(reader.getRowObjects()[0].n);
}

/**
 * The offline features job: reads the lake's event files up to the end of `to` (through the AWS SDK into a
 * temporary directory: no DuckDB extension is needed), de-duplicates by event_id, and writes per day D in
 * [from, to] the point-in-time snapshot of D and the interactions of D as Parquet.
 */
export async function runOfflineFeatureJob(options: OfflineJobOptions): Promise<OfflineJobResult> {
  const days = daysBetween(options.from, options.to);
  if (!days.length) throw new Error(`--from ${options.from} is after --to ${options.to}`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'feature-store-offline-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    // every object up to the last day: recency looks back without limit, so older days are read too
    const objects = (await listLake(options.s3, options.bucket))
      .map(parseObjectKey)
      .filter(object => object !== undefined && object.dt <= options.to);
    const files: string[] = [];
    for (const [i, object] of objects.entries()) {
      const response = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: object!.key }));
      const file = path.join(work, `lake-${i}.parquet`);
      await fs.writeFile(file, await response.Body!.transformToByteArray());
      files.push(file);
    }
    const source = files.length
      ? `SELECT event_id, user_id, type, product_id, ts, received_at FROM read_parquet([${files.map(f => `'${f}'`).join(', ')}])`
      : `SELECT NULL::VARCHAR AS event_id, NULL::VARCHAR AS user_id, NULL::VARCHAR AS type, NULL::VARCHAR AS product_id, NULL::TIMESTAMPTZ AS ts, NULL::TIMESTAMPTZ AS received_at WHERE false`;
    // at least once in the lake too: the first copy of an eventId counts, anonymous events make no user features
    await connection.run(
      `CREATE TABLE events AS SELECT event_id, user_id, type, product_id, ts FROM (${source}) ` +
        `WHERE user_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY received_at) = 1`,
    );
    const result: OfflineJobResult = { lakeObjects: files.length, days: [] };
    for (const dt of days) {
      const outputs = [
        { key: snapshotKey(dt), query: snapshotQuery(dt) },
        { key: interactionsKey(dt), query: interactionsQuery(dt) },
      ];
      const rows: number[] = [];
      for (const { key, query } of outputs) {
        const file = path.join(work, key.replaceAll('/', '_'));
        await connection.run(`COPY (${query}) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
        rows.push(await count(connection, file));
        if (options.outDir) {
          const target = path.join(options.outDir, key);
          await fs.mkdir(path.dirname(target), { recursive: true });
          await fs.copyFile(file, target);
        } else {
          const body = await fs.readFile(file);
          await options.s3.send(
            new PutObjectCommand({
              Bucket: options.bucket,
              Key: key,
              Body: body,
              ContentLength: body.length,
              ContentType: 'application/vnd.apache.parquet',
            }),
          );
        }
      }
      result.days.push({ dt, snapshotRows: rows[0], interactionRows: rows[1] });
    }
    return result;
  } finally {
    connection.closeSync();
    instance.closeSync();
    await fs.rm(work, { recursive: true, force: true });
  }
}
