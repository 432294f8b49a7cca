import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ParquetWriter } from './parquet';
import { LAKE_COLUMNS, lakeRowOf } from './schema';

describe('ParquetWriter', () => {
  let writer: ParquetWriter;
  let dir: string;
  beforeAll(async () => {
    writer = await ParquetWriter.create();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-lake-test-'));
  });
  afterAll(async () => {
    await writer.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes the lake schema, nulls where the event has nothing, meta as JSON text', async () => {
    const source = { topic: 'events.cart', partition: 2 };
    const rows = [
      lakeRowOf(
        {
          eventId: '3f0c6a34-1d7e-4a5e-9a43-2f8a5b0e2c11',
          userId: null,
          sessionId: 's-1',
          type: 'cart',
          productId: 'p-9',
          ts: '2026-04-01T10:15:30.123+02:00',
          meta: { qty: 2, gift: true },
          experiment: { key: 'reco-v2', variant: 'b' },
          receivedAt: '2026-04-01T08:15:31.000Z',
        },
        { ...source, offset: '41' },
      ),
      lakeRowOf(
        {
          eventId: '9b2d4a44-0c4f-4b61-8d70-9a1e7b6c5d22',
          userId: '2c9e1f4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
          sessionId: 's-2',
          type: 'cart',
          ts: '2026-04-01T08:20:00Z',
          meta: {},
          receivedAt: '2026-04-01T08:20:01Z',
        },
        { ...source, offset: '40' },
      ),
    ];
    const file = path.join(dir, 'f.parquet');
    await fs.writeFile(file, await writer.write(rows));

    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const schema = await connection.runAndReadAll(`SELECT name, type, logical_type FROM parquet_schema('${file}') WHERE name <> 'duckdb_schema'`);
      const columns = schema.getRowObjectsJson();
      expect(columns.map(c => c.name)).toEqual(LAKE_COLUMNS.map(c => c.name));
      expect(columns.find(c => c.name === 'ts')?.logical_type).toContain('isAdjustedToUTC=1');
      const read = await connection.runAndReadAll(
        `SELECT event_id, user_id, product_id, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') AS ts, experiment_key, experiment_variant, meta, kafka_topic, kafka_partition, kafka_offset FROM '${file}'`,
      );
      expect(read.getRowObjectsJson()).toEqual([
        {
          event_id: '9b2d4a44-0c4f-4b61-8d70-9a1e7b6c5d22',
          user_id: '2c9e1f4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
          product_id: null,
          ts: '2026-04-01T08:20:00.000',
          experiment_key: null,
          experiment_variant: null,
          meta: '{}',
          kafka_topic: 'events.cart',
          kafka_partition: 2,
          kafka_offset: '40',
        },
        {
          event_id: '3f0c6a34-1d7e-4a5e-9a43-2f8a5b0e2c11',
          user_id: null,
          product_id: 'p-9',
          ts: '2026-04-01T08:15:30.123',
          experiment_key: 'reco-v2',
          experiment_variant: 'b',
          meta: '{"qty":2,"gift":true}',
          kafka_topic: 'events.cart',
          kafka_partition: 2,
          kafka_offset: '41',
        },
      ]);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});
