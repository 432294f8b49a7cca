/**
 * Measures (1) the import of the embedded FOCUS dataset for 90 days and (2) the latency of the cost API for a
 * 90-day, all-services query, on the `yarn infra` PostgreSQL in a throw-away database.
 * Usage: yarn workspace @platform/cost-monitoring-service bench [--requests 500] [--concurrency 1]
 */
import { performance } from 'node:perf_hooks';
import { generateFocusDataset, toFocusCsv } from '../src/dataset/generateFocusDataset';
import { addDays, todayUtc } from '../src/domain/dates';
import { importFocusCsv } from '../src/focus/importFocus';
import { CostStore } from '../src/store/costStore';
import { createTestDatabase } from '../src/__testUtils__/testDatabase';
import { createCostMonitoringService, loadCostConfig } from '../src';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const REQUESTS = argument('requests', 500);
const CONCURRENCY = argument('concurrency', 1);
const IMPORT_RUNS = argument('import-runs', 5);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function benchImport(endDay: string) {
  const runs: Array<{ generate: number; parse: number; store: number; rows: number; sourceRows: number }> = [];
  for (let run = 0; run < IMPORT_RUNS; run++) {
    const db = await createTestDatabase('cost_bench');
    try {
      const store = new CostStore(db.pool);
      const t0 = performance.now();
      const csv = toFocusCsv(generateFocusDataset({ endDay, days: 90 }));
      const t1 = performance.now();
      const parsed = importFocusCsv(csv, { allocationTagKey: 'cost-allocation', currency: 'USD' });
      const t2 = performance.now();
      await store.importBatch({
        source: 'embedded-focus',
        format: 'focus-csv',
        rows: parsed.rows,
        sourceRows: parsed.sourceRows,
        periodStart: parsed.periodStart!,
        periodEnd: parsed.periodEnd!,
      });
      const t3 = performance.now();
      runs.push({ generate: t1 - t0, parse: t2 - t1, store: t3 - t2, rows: parsed.rows.length, sourceRows: parsed.sourceRows });
    } finally {
      await db.drop();
    }
  }
  const median = (pick: (r: (typeof runs)[number]) => number) => runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  return {
    sourceRows: runs[0].sourceRows,
    rows: runs[0].rows,
    generate: median(r => r.generate),
    parse: median(r => r.parse),
    store: median(r => r.store),
    total: median(r => r.generate + r.parse + r.store),
  };
}

async function benchApi(endDay: string) {
  const db = await createTestDatabase('cost_bench');
  const config = loadCostConfig({
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL,
    COST_DATABASE: db.name,
    COST_DATASET_END_DATE: endDay,
    PORT: '0',
    LOG_LEVEL: 'warn',
  });
  const app = await createCostMonitoringService(config);
  try {
    const startedImport = performance.now();
    const { url } = await app.start();
    const startupImport = performance.now() - startedImport;
    const from = addDays(endDay, -89);
    const paths = {
      'GET /costs (90 days, by service, all services)': `/costs?from=${from}&to=${endDay}&groupBy=service`,
      'GET /costs/daily (90 days, stacked by service)': `/costs/daily?from=${from}&to=${endDay}&stackBy=service`,
      'GET /costs/summary': '/costs/summary',
    };
    const results: Record<string, { p50: number; p95: number; p99: number; rps: number }> = {};
    for (const [name, path] of Object.entries(paths)) {
      for (let i = 0; i < 50; i++) await (await fetch(`${url}${path}`)).arrayBuffer();
      const latencies: number[] = [];
      let next = 0;
      const began = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < REQUESTS) {
            next += 1;
            const t = performance.now();
            const response = await fetch(`${url}${path}`);
            await response.arrayBuffer();
            if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
            latencies.push(performance.now() - t);
          }
        }),
      );
      const elapsed = performance.now() - began;
      latencies.sort((a, b) => a - b);
      results[name] = { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99), rps: (latencies.length / elapsed) * 1000 };
    }
    return { startupImport, results };
  } finally {
    await app.stop();
    await db.drop();
  }
}

async function main() {
  const endDay = todayUtc();
  const imported = await benchImport(endDay);
  process.stdout.write(
    `Import of the 90-day FOCUS dataset (${imported.sourceRows} FOCUS rows -> ${imported.rows} daily rows), median of ${IMPORT_RUNS} runs:\n` +
      `  generate CSV ${ms(imported.generate)}, parse+validate ${ms(imported.parse)}, store (one transaction) ${ms(imported.store)}, total ${ms(imported.total)}\n`,
  );
  const api = await benchApi(endDay);
  process.stdout.write(`Service start-up with the embedded 120-day import: ${ms(api.startupImport)}\n`);
  process.stdout.write(`Cost API latency, ${REQUESTS} requests, concurrency ${CONCURRENCY}, after 50 warm-up requests:\n`);
  for (const [name, r] of Object.entries(api.results)) {
    process.stdout.write(`  ${name}: p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, p99 ${ms(r.p99)}, ${r.rps.toFixed(0)} req/s\n`);
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
