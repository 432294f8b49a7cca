import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexInteractions } from './data/interactions';
import { readInteractions } from './data/readInteractions';
import { syntheticInteractions } from './data/synthetic';
import { choleskySolve } from './model/als';
import { DEFAULT_TRAIN, trainAndEvaluate } from './train';

describe('choleskySolve', () => {
  it('solves a symmetric positive definite system', () => {
    // [4 2; 2 3] x = [10; 8]: x = [1.75; 1.5] (4*1.75 + 2*1.5 = 10, 2*1.75 + 3*1.5 = 8)
    const x = choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([10, 8]), 2);
    expect(x[0]).toBeCloseTo(1.75, 12);
    expect(x[1]).toBeCloseTo(1.5, 12);
  });
});

describe('synthetic interactions', () => {
  it('are deterministic and demo-like', () => {
    const a = syntheticInteractions({ interactions: 2000, seed: 3 });
    expect(syntheticInteractions({ interactions: 2000, seed: 3 })).toEqual(a);
    expect(a).toHaveLength(2000);
    const views = a.filter(row => row.type === 'view').length / a.length;
    expect(views).toBeGreaterThan(0.55);
    expect(views).toBeLessThan(0.8);
  });
});

describe('trainAndEvaluate', () => {
  it('beats popularity at least twice on recall@20 on demo-like data, for both splits', async () => {
    const data = indexInteractions(syntheticInteractions({ interactions: 30_000, seed: 2 }));
    for (const split of ['random', 'time'] as const) {
      const result = await trainAndEvaluate(data, { ...DEFAULT_TRAIN, split, epochs: 6 });
      expect(result.model['recall@20']).toBeGreaterThanOrEqual(2 * result.popularity['recall@20']);
      expect(result.epochs[0].epoch).toBe(1);
      expect(result.factors.users).toHaveLength(data.userIds.length * DEFAULT_TRAIN.factors);
    }
  }, 60_000);
});

describe('readInteractions', () => {
  it('reads the interactions table from a directory of day partitions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainer-'));
    try {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      for (const [day, rows] of [
        ['2026-11-01', `('u1', 'p1', TIMESTAMPTZ '2026-11-01 10:00:00+00', 'view', 1.0)`],
        ['2026-11-02', `('u2', 'p1', TIMESTAMPTZ '2026-11-02 09:00:00+00', 'purchase', 8.0)`],
      ]) {
        await connection.run(`CREATE OR REPLACE TABLE t (userId VARCHAR, itemId VARCHAR, ts TIMESTAMPTZ, type VARCHAR, weight DOUBLE)`);
        await connection.run(`INSERT INTO t VALUES ${rows}`);
        await connection.run(`COPY t TO '${join(dir, `dt=${day}-part-0.parquet`)}' (FORMAT parquet)`);
      }
      connection.closeSync();
      instance.closeSync();
      expect(await readInteractions(dir)).toEqual([
        { userId: 'u1', itemId: 'p1', ts: Date.parse('2026-11-01T10:00:00Z'), type: 'view', weight: 1 },
        { userId: 'u2', itemId: 'p1', ts: Date.parse('2026-11-02T09:00:00Z'), type: 'purchase', weight: 8 },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
