import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadInfraEnv } from '@platform/local-infra';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrainerEnv } from '../config';
import { parseS3Uri, readInteractionsFrom, s3ClientOf } from './readLake';

// Against the project's S3 API server, in a bucket of its own.
const env = loadTrainerEnv(loadInfraEnv());
const bucket = `trainer-test-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
const s3 = s3ClientOf(env);
const keys: string[] = [];

afterAll(async () => {
  for (const Key of keys) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key })).catch(() => undefined);
  await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  s3.destroy();
});

describe('readInteractionsFrom s3://', () => {
  it('parses s3 URIs', () => {
    expect(parseS3Uri('s3://lake/features/interactions/')).toEqual({ bucket: 'lake', prefix: 'features/interactions/' });
    expect(() => parseS3Uri('/tmp/x')).toThrow(/s3:\/\//);
  });

  it('reads every day partition of the interactions table from the lake', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const dir = mkdtempSync(join(tmpdir(), 'trainer-lake-test-'));
    try {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const days = {
        '2026-11-01': `('u1', 'p1', TIMESTAMPTZ '2026-11-01 10:00:00+00', 'view', 1.0), ('u2', 'p2', TIMESTAMPTZ '2026-11-01 11:00:00+00', 'cart', 4.0)`,
        '2026-11-02': `('u1', 'p2', TIMESTAMPTZ '2026-11-02 09:00:00+00', 'purchase', 8.0)`,
      };
      for (const [day, values] of Object.entries(days)) {
        const file = join(dir, `${day}.parquet`);
        await connection.run(
          `COPY (SELECT * FROM (VALUES ${values}) t(userId, itemId, ts, type, weight)) TO '${file}' (FORMAT parquet)`,
        );
        const Key = `features/interactions/dt=${day}/part-0.parquet`;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: readFileSync(file) }));
        keys.push(Key);
      }
      // an object that is not Parquet, and one outside the prefix, are not read
      for (const Key of ['features/interactions/_SUCCESS', 'features/snapshots/dt=2026-11-01/part-0.parquet']) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
        keys.push(Key);
      }
      connection.closeSync();
      instance.closeSync();

      const read = await readInteractionsFrom(`s3://${bucket}/features/interactions/`, env);
      expect(read.files).toBe(2);
      expect(read.rows).toEqual([
        { userId: 'u1', itemId: 'p1', ts: Date.parse('2026-11-01T10:00:00Z'), type: 'view', weight: 1 },
        { userId: 'u2', itemId: 'p2', ts: Date.parse('2026-11-01T11:00:00Z'), type: 'cart', weight: 4 },
        { userId: 'u1', itemId: 'p2', ts: Date.parse('2026-11-02T09:00:00Z'), type: 'purchase', weight: 8 },
      ]);
      await expect(readInteractionsFrom(`s3://${bucket}/features/nothing/`, env)).rejects.toThrow(/no Parquet objects/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
