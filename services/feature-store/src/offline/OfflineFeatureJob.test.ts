import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { hourPartitionOf, LakeRow, objectKey, ParquetWriter } from '@platform/data-lake';
import { infra } from '../__testUtils__/harness';
import { interactionsKey, runOfflineFeatureJob, snapshotKey } from './OfflineFeatureJob';

jest.setTimeout(60_000);

const D = '2026-03-01';
const NEXT = '2026-03-02';
const userA = randomUUID();
const userB = randomUUID();

let offset = 0n;
function row(type: LakeRow['type'], userId: string | null, productId: string, ts: string, eventId: string = randomUUID()): LakeRow {
  offset += 1n;
  return {
    eventId,
    userId,
    sessionId: 's-1',
    type,
    productId,
    ts: Date.parse(ts),
    receivedAt: Date.parse(ts) + 100,
    experimentKey: null,
    experimentVariant: null,
    meta: '{}',
    kafkaTopic: `events.${type}`,
    kafkaPartition: 0,
    kafkaOffset: offset,
  };
}

describe('offline features job', () => {
  const bucket = `fs-offline-${randomBytes(5).toString('hex')}`;
  const s3 = new S3Client({
    endpoint: infra.S3_ENDPOINT,
    region: infra.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: infra.S3_ACCESS_KEY_ID, secretAccessKey: infra.S3_SECRET_ACCESS_KEY },
  });
  let writer: ParquetWriter;
  let duck: DuckDBInstance;
  let work: string;

  const dView = row('view', userA, 'p1', `${D}T10:00:00.000Z`);
  const rows = [
    row('view', userA, 'p3', '2026-02-26T08:00:00.000Z'), // D-3: in 7d and 30d of D, not in 1d
    dView,
    row('click', userA, 'p1', `${D}T11:00:00.000Z`),
    row('view', null, 'p1', `${D}T12:00:00.000Z`), // anonymous: no user features, no interaction row
    row('view', userA, 'p1', `${D}T10:00:00.000Z`, dView.eventId), // redelivered: counted once
    row('cart', userA, 'p2', `${NEXT}T09:00:00.000Z`), // D+1: must not reach the snapshot of D
    row('purchase', userA, 'p2', `${NEXT}T10:00:00.000Z`),
    row('view', userB, 'p1', `${NEXT}T00:00:00.000Z`), // the first instant of D+1
  ];

  beforeAll(async () => {
    writer = await ParquetWriter.create();
    duck = await DuckDBInstance.create(':memory:', { threads: '1' });
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'fs-offline-test-'));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // one lake file per row, named by the lake's layout
    for (const r of rows) {
      const key = objectKey(hourPartitionOf(r.type, r.ts), {
        topic: r.kafkaTopic,
        partition: 0,
        firstOffset: r.kafkaOffset,
        lastOffset: r.kafkaOffset,
      });
      const body = await writer.write([r]);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length }));
    }
  });

  afterAll(async () => {
    await writer?.close();
    duck?.closeSync();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket })).catch(() => undefined);
    const keys = (listed?.Contents ?? []).map(object => ({ Key: object.Key! }));
    if (keys.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    s3.destroy();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  async function readS3(key: string) {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const file = path.join(work, key.replaceAll('/', '_'));
    await fs.writeFile(file, await response.Body!.transformToByteArray());
    return readFile(file);
  }
  async function readFile(file: string) {
    const connection = await duck.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
      return reader.getRowObjectsJson();
    } finally {
      connection.closeSync();
    }
  }

  it('writes point-in-time snapshots and the interactions table per day to the lake', async () => {
    const result = await runOfflineFeatureJob({ s3, bucket, from: D, to: NEXT });
    expect(result).toEqual({
      lakeObjects: rows.length,
      days: [
        { dt: D, snapshotRows: 1, interactionRows: 2 },
        { dt: NEXT, snapshotRows: 2, interactionRows: 3 },
      ],
    });

    const snapshotD = await readS3(snapshotKey(D));
    expect(snapshotD).toHaveLength(1);
    // only events before the end of D: the cart and purchase of D+1 and user B (first seen at D+1 00:00) are absent
    expect(snapshotD[0]).toMatchObject({
      user_id: userA,
      click_1d: 1,
      view_1d: 1,
      cart_1d: 0,
      purchase_1d: 0,
      total_1d: 2,
      view_7d: 2,
      total_7d: 3,
      cart_30d: 0,
      purchase_30d: 0,
      total_30d: 3,
      last_cart_at: null,
      last_purchase_at: null,
    });
    expect(Date.parse(String(snapshotD[0].as_of))).toBe(Date.parse(`${NEXT}T00:00:00Z`));
    expect(Date.parse(String(snapshotD[0].last_interaction_at))).toBe(Date.parse(`${D}T11:00:00Z`));
    expect(Date.parse(String(snapshotD[0].last_view_at))).toBe(Date.parse(`${D}T10:00:00Z`));

    const snapshotNext = await readS3(snapshotKey(NEXT));
    expect(snapshotNext.map(r => r.user_id).sort()).toEqual([userA, userB].sort());
    const aNext = snapshotNext.find(r => r.user_id === userA)!;
    expect(aNext).toMatchObject({ view_1d: 0, cart_1d: 1, purchase_1d: 1, total_1d: 2, total_7d: 5, total_30d: 5 });

    const simplify = (r: Record<string, unknown>) => ({ ...r, ts: new Date(Date.parse(String(r.ts))).toISOString() });
    expect((await readS3(interactionsKey(D))).map(simplify)).toEqual([
      { userId: userA, itemId: 'p1', ts: `${D}T10:00:00.000Z`, type: 'view', weight: 1 },
      { userId: userA, itemId: 'p1', ts: `${D}T11:00:00.000Z`, type: 'click', weight: 2 },
    ]);
    expect((await readS3(interactionsKey(NEXT))).map(simplify)).toEqual([
      { userId: userB, itemId: 'p1', ts: `${NEXT}T00:00:00.000Z`, type: 'view', weight: 1 },
      { userId: userA, itemId: 'p2', ts: `${NEXT}T09:00:00.000Z`, type: 'cart', weight: 4 },
      { userId: userA, itemId: 'p2', ts: `${NEXT}T10:00:00.000Z`, type: 'purchase', weight: 8 },
    ]);
  });

  it('writes the same files to a local directory when asked', async () => {
    const outDir = path.join(work, 'out');
    const result = await runOfflineFeatureJob({ s3, bucket, from: D, to: D, outDir });
    expect(result.days).toEqual([{ dt: D, snapshotRows: 1, interactionRows: 2 }]);
    expect(await readFile(path.join(outDir, snapshotKey(D)))).toHaveLength(1);
    expect(await readFile(path.join(outDir, interactionsKey(D)))).toHaveLength(2);
  });
});
