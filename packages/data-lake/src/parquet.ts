import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBAppender, DuckDBInstance, DuckDBTimestampTZValue } from '@duckdb/node-api';
import { LAKE_COLUMNS, LakeRow } from './schema';

const micros = (millis: number) => new DuckDBTimestampTZValue(BigInt(millis) * 1000n);

function appendNullable(appender: DuckDBAppender, value: string | null) {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

/** Writes lake rows as Parquet files with an in-memory DuckDB (appender into a table of its own, then COPY). */
export class ParquetWriter {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly directory: string,
  ) {}

  static async create(): Promise<ParquetWriter> {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'data-lake-'));
    // one thread: files are small and the CPU is shared with the consumer
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    return new ParquetWriter(instance, directory);
  }

  /** The rows as the bytes of one Parquet file (zstd), in the order given. */
  async write(rows: LakeRow[]): Promise<Buffer> {
    const id = randomBytes(6).toString('hex');
    const table = `lake_file_${id}`;
    const file = path.join(this.directory, `${id}.parquet`);
    const connection = await this.instance.connect();
    try {
      await connection.run(
        `CREATE TABLE ${table} (${LAKE_COLUMNS.map(c => `${c.name} ${c.sql}${c.nullable ? '' : ' NOT NULL'}`).join(', ')})`,
      );
      const appender = await connection.createAppender(table);
      try {
        for (const row of rows) {
          appender.appendVarchar(row.eventId);
          appendNullable(appender, row.userId);
          appender.appendVarchar(row.sessionId);
          appender.appendVarchar(row.type);
          appendNullable(appender, row.productId);
          appender.appendTimestampTZ(micros(row.ts));
          appender.appendTimestampTZ(micros(row.receivedAt));
          appendNullable(appender, row.experimentKey);
          appendNullable(appender, row.experimentVariant);
          appender.appendVarchar(row.meta);
          appender.appendVarchar(row.kafkaTopic);
          appender.appendInteger(row.kafkaPartition);
          appender.appendBigInt(row.kafkaOffset);
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      await connection.run(`COPY (SELECT * FROM ${table} ORDER BY kafka_offset) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
      return await fs.readFile(file);
    } finally {
      await connection.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      connection.closeSync();
      await fs.rm(file, { force: true });
    }
  }

  async close(): Promise<void> {
    this.instance.closeSync();
    await fs.rm(this.directory, { recursive: true, force: true });
  }
}
