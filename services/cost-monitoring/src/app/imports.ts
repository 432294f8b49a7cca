import { addDays, type Day } from '../domain/dates';
import { generateFocusDataset, toFocusCsv } from '../dataset/generateFocusDataset';
import { importFocusCsv, type FocusImportOptions } from '../focus/importFocus';
import type { CostSource } from '../sources/types';
import type { CostStore, ImportRecord } from '../store/costStore';

export const EMBEDDED_SOURCE = 'embedded-focus';

/**
 * Imports the generated FOCUS dataset when the store has no cost data, or regenerates it when the store holds
 * only the embedded dataset and it ends before `endDay` (a product restarted days later still shows the current
 * month). Alerts derived from a replaced dataset are dropped with it. Check and import run in one transaction
 * under an advisory lock, so replicas starting together import once; real billing data is never touched.
 */
export async function importEmbeddedDataset(
  store: CostStore,
  options: FocusImportOptions & { endDay: Day; days: number },
): Promise<ImportRecord | null> {
  return store.transaction(async client => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('cost-monitoring:embedded-dataset'))");
    const coverage = await store.coverage(client);
    if (coverage) {
      const { rows } = await client.query('SELECT DISTINCT source FROM cost_daily');
      const onlyEmbedded = rows.length === 1 && rows[0].source === EMBEDDED_SOURCE;
      if (!onlyEmbedded || coverage.last >= options.endDay) return null;
      await client.query('DELETE FROM cost_daily WHERE source = $1', [EMBEDDED_SOURCE]);
      await client.query('DELETE FROM cost_alerts');
    }
    const csv = toFocusCsv(generateFocusDataset({ endDay: options.endDay, days: options.days, allocationTagKey: options.allocationTagKey }));
    const parsed = importFocusCsv(csv, options);
    return store.importBatch(
      {
        source: EMBEDDED_SOURCE,
        format: 'focus-csv',
        rows: parsed.rows,
        sourceRows: parsed.sourceRows,
        periodStart: parsed.periodStart!,
        periodEnd: parsed.periodEnd!,
      },
      client,
    );
  });
}

export type PollOutcome =
  | { source: string; outcome: 'imported'; record: ImportRecord }
  | { source: string; outcome: 'locked' | 'recent' };

/**
 * One poll of a billing source. A transaction-scoped advisory lock per source means two replicas never
 * import the same source at once; the second one, once the first has committed, sees the fresh import and
 * skips. Fetch, replace and the import record commit together or not at all.
 */
export async function pollSource(
  store: CostStore,
  source: CostSource,
  options: { today: Day; lookbackDays: number; minIntervalMs: number },
): Promise<PollOutcome> {
  return store.transaction(async client => {
    const { rows: lock } = await client.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
      `cost-monitoring:poll:${source.name}`,
    ]);
    if (!lock[0].locked) return { source: source.name, outcome: 'locked' as const };
    const { rows: recent } = await client.query(
      `SELECT 1 FROM cost_imports WHERE source = $1 AND status = 'succeeded' AND finished_at > now() - make_interval(secs => $2)`,
      [source.name, options.minIntervalMs / 1000],
    );
    if (recent.length > 0) return { source: source.name, outcome: 'recent' as const };
    // Clouds restate the last days of billing data, so each poll re-reads a few days up to yesterday.
    const period = { from: addDays(options.today, -options.lookbackDays), to: addDays(options.today, -1) };
    const rows = await source.fetchDailyCosts(period);
    const record = await store.importBatch(
      { source: source.name, format: source.kind, rows, sourceRows: rows.length, periodStart: period.from, periodEnd: period.to },
      client,
    );
    return { source: source.name, outcome: 'imported' as const, record };
  });
}
