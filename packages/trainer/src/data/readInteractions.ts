import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Interaction } from './interactions';

/**
 * Reads the interactions table (docs/features.md) from a local Parquet file or a directory of them (every
 * `*.parquet` below it, e.g. `features/interactions/dt=*` of an `--out-dir`), ordered by ts, user, item.
 */
export async function readInteractions(path: string): Promise<Interaction[]> {
  const glob = statSync(path).isDirectory() ? join(path, '**', '*.parquet') : path;
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT userId, itemId, epoch_ms(ts)::DOUBLE AS ts, type, weight::DOUBLE AS weight
         FROM read_parquet('${glob.replaceAll("'", "''")}', hive_partitioning = false)
        WHERE userId IS NOT NULL AND itemId IS NOT NULL
        ORDER BY ts, userId, itemId, type`,
    );
    return reader.getRowObjects().map(row => ({
      userId: String(row.userId),
      itemId: String(row.itemId),
      ts: Number(row.ts),
      type: String(row.type),
      weight: Number(row.weight),
    }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
