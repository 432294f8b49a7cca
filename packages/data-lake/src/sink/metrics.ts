import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The sink's metric names; dashboards and alerts are written against these. */
export const LAKE_METRICS = {
  filesWritten: 'lake_files_written_total',
  rowsWritten: 'lake_rows_written_total',
  uploadDuration: 'lake_upload_duration_seconds',
  storeErrors: 'lake_store_errors_total',
  oldestBufferedAge: 'lake_oldest_buffered_event_age_seconds',
  bufferedRows: 'lake_buffered_rows',
  pastHourRows: 'lake_buffered_rows_past_hours',
  replaySkipped: 'lake_replay_skipped_total',
  repaired: 'lake_objects_repaired_total',
} as const;

export type LakeMetrics = ReturnType<typeof createLakeMetrics>;

/** `oldestBufferedAt` gives the wall-clock time the oldest not yet durable event was buffered (undefined: none). */
export function createLakeMetrics(registry: Registry, state: { oldestBufferedAt(): number | undefined; bufferedRows(): number; pastHourRows(): number }) {
  const registers = [registry];
  return {
    filesWritten: new Counter({
      name: LAKE_METRICS.filesWritten,
      help: 'Parquet files stored, per store',
      labelNames: ['store', 'type'],
      registers,
    }),
    rowsWritten: new Counter({
      name: LAKE_METRICS.rowsWritten,
      help: 'Rows in files stored in every store (counted once per file, when its offsets become committable)',
      labelNames: ['type'],
      registers,
    }),
    uploadDuration: new Histogram({
      name: LAKE_METRICS.uploadDuration,
      help: 'Time to store one file, per store',
      labelNames: ['store'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    storeErrors: new Counter({
      name: LAKE_METRICS.storeErrors,
      help: 'Failed store operations (put, list, get), per store',
      labelNames: ['store', 'operation'],
      registers,
    }),
    oldestBufferedAge: new Gauge({
      name: LAKE_METRICS.oldestBufferedAge,
      help: 'Lake file latency: seconds since the oldest event not yet in every store was buffered (0 when none)',
      registers,
      collect() {
        const at = state.oldestBufferedAt();
        this.set(at === undefined ? 0 : Math.max(0, (Date.now() - at) / 1000));
      },
    }),
    bufferedRows: new Gauge({
      name: LAKE_METRICS.bufferedRows,
      help: 'Events buffered and not yet in every store',
      registers,
      collect() {
        this.set(state.bufferedRows());
      },
    }),
    pastHourRows: new Gauge({
      name: LAKE_METRICS.pastHourRows,
      help: 'Events of hours that have ended, buffered and not yet in every store (those of the current hour wait for it to end)',
      registers,
      collect() {
        this.set(state.pastHourRows());
      },
    }),
    replaySkipped: new Counter({
      name: LAKE_METRICS.replaySkipped,
      help: 'Replayed events skipped because a stored file already holds their offset',
      labelNames: ['type'],
      registers,
    }),
    repaired: new Counter({
      name: LAKE_METRICS.repaired,
      help: 'Files found in only one store and copied to the other',
      labelNames: ['store'],
      registers,
    }),
  };
}
