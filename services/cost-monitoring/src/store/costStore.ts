import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { AlertCandidate, AlertKind } from '../domain/alerts';
import type { Day } from '../domain/dates';
import type { DailyCostRow } from '../domain/types';

export type Dimension = 'service' | 'cloud' | 'category' | 'day';
export type AlertStatus = 'open' | 'acknowledged' | 'snoozed';

const DIMENSION_COLUMN: Record<Dimension, string> = {
  service: 'service',
  cloud: 'cloud',
  category: 'category',
  day: "to_char(day, 'YYYY-MM-DD')",
};

export interface ImportRecord {
  id: string;
  source: string;
  format: string;
  status: 'succeeded' | 'failed';
  periodStart: Day | null;
  periodEnd: Day | null;
  sourceRows: number;
  rowsImported: number;
  error: unknown;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export interface StoredAlert {
  id: string;
  key: string;
  kind: AlertKind;
  service: string | null;
  severity: 'info' | 'warning' | 'critical';
  periodStart: Day;
  periodEnd: Day;
  amount: number;
  baseline: number;
  change: number;
  threshold: number;
  message: string;
  status: AlertStatus;
  snoozedUntil: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ImportBatch {
  source: string;
  format: string;
  rows: DailyCostRow[];
  sourceRows: number;
  /** The days the batch covers: existing rows of this source and these clouds in it are replaced. */
  periodStart: Day;
  periodEnd: Day;
}

/** A snoozed alert whose time is up counts as open again. */
const EFFECTIVE_STATUS = `CASE WHEN status = 'snoozed' AND snoozed_until <= now() THEN 'open' ELSE status END`;

const day = (value: Date | string | null): Day | null => {
  if (value === null || typeof value === 'string') return value;
  return value.toISOString().slice(0, 10);
};
const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/** PostgreSQL access for cost rows, imports and alerts. Every method is one round trip or one transaction. */
export class CostStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Stores a batch all-or-nothing: its rows replace the same source's rows for the period and clouds,
   * and the import record is written in the same transaction.
   */
  async importBatch(batch: ImportBatch, client?: PoolClient): Promise<ImportRecord> {
    const startedAt = new Date();
    const id = randomUUID();
    const run = async (tx: PoolClient) => {
      const clouds = [...new Set(batch.rows.map(row => row.cloud))];
      await tx.query(
        'DELETE FROM cost_daily WHERE source = $1 AND day BETWEEN $2 AND $3 AND cloud = ANY($4)',
        [batch.source, batch.periodStart, batch.periodEnd, clouds],
      );
      const finishedAt = new Date();
      await tx.query(
        `INSERT INTO cost_imports (id, source, format, status, period_start, period_end, source_rows, rows_imported,
           started_at, finished_at, duration_ms)
         VALUES ($1, $2, $3, 'succeeded', $4, $5, $6, $7, $8, $9, $10)`,
        [id, batch.source, batch.format, batch.periodStart, batch.periodEnd, batch.sourceRows, batch.rows.length,
          startedAt, finishedAt, finishedAt.getTime() - startedAt.getTime()],
      );
      const columns = (pick: (row: DailyCostRow) => unknown) => batch.rows.map(pick);
      await tx.query(
        `INSERT INTO cost_daily (day, service, cloud, account_id, category, provider_service, charge_category, currency,
           billed_cost, effective_cost, source, import_id)
         SELECT d, s, c, a, cat, ps, cc, cur, b, e, $11, $12
         FROM unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
           $9::numeric[], $10::numeric[]) AS t(d, s, c, a, cat, ps, cc, cur, b, e)`,
        [
          columns(r => r.day),
          columns(r => r.service),
          columns(r => r.cloud),
          columns(r => r.accountId),
          columns(r => r.category),
          columns(r => r.providerService),
          columns(r => r.chargeCategory),
          columns(r => r.currency),
          columns(r => r.billedCost),
          columns(r => r.effectiveCost),
          batch.source,
          id,
        ],
      );
    };
    if (client) {
      await run(client);
    } else {
      await this.transaction(run);
    }
    const [record] = await this.listImports({ id }, client);
    return record;
  }

  /** Records a rejected or failed import; none of its rows exist, by construction. */
  async recordFailedImport(source: string, format: string, startedAt: Date, error: unknown): Promise<ImportRecord> {
    const id = randomUUID();
    const finishedAt = new Date();
    await this.pool.query(
      `INSERT INTO cost_imports (id, source, format, status, error, started_at, finished_at, duration_ms)
       VALUES ($1, $2, $3, 'failed', $4, $5, $6, $7)`,
      [id, source, format, JSON.stringify(error), startedAt, finishedAt, finishedAt.getTime() - startedAt.getTime()],
    );
    const [record] = await this.listImports({ id });
    return record;
  }

  async listImports(filter: { id?: string; limit?: number } = {}, client?: PoolClient): Promise<ImportRecord[]> {
    const { rows } = await (client ?? this.pool).query(
      `SELECT * FROM cost_imports WHERE ($1::uuid IS NULL OR id = $1) ORDER BY started_at DESC LIMIT $2`,
      [filter.id ?? null, filter.limit ?? 50],
    );
    return rows.map(row => ({
      id: row.id,
      source: row.source,
      format: row.format,
      status: row.status,
      periodStart: day(row.period_start),
      periodEnd: day(row.period_end),
      sourceRows: row.source_rows,
      rowsImported: row.rows_imported,
      error: row.error,
      startedAt: iso(row.started_at)!,
      finishedAt: iso(row.finished_at)!,
      durationMs: row.duration_ms,
    }));
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  /** First and last day with cost data, or null when the store is empty. */
  async coverage(client?: PoolClient): Promise<{ first: Day; last: Day } | null> {
    const { rows } = await (client ?? this.pool).query(
      "SELECT to_char(min(day), 'YYYY-MM-DD') AS first, to_char(max(day), 'YYYY-MM-DD') AS last FROM cost_daily",
    );
    return rows[0].first ? { first: rows[0].first, last: rows[0].last } : null;
  }

  async knownServices(): Promise<string[]> {
    const { rows } = await this.pool.query('SELECT DISTINCT service FROM cost_daily ORDER BY service');
    return rows.map(row => row.service);
  }

  /** Effective cost summed by one dimension over a period (days inclusive). */
  async breakdown(query: { from: Day; to: Day; groupBy: Dimension; service?: string }): Promise<Array<{ key: string; amount: number }>> {
    const column = DIMENSION_COLUMN[query.groupBy];
    const { rows } = await this.pool.query(
      `SELECT ${column} AS key, sum(effective_cost)::float8 AS amount
       FROM cost_daily WHERE day BETWEEN $1 AND $2 AND ($3::text IS NULL OR service = $3)
       GROUP BY 1 ORDER BY ${query.groupBy === 'day' ? 'key' : 'amount DESC, key'}`,
      [query.from, query.to, query.service ?? null],
    );
    return rows;
  }

  /** Effective cost per day and one dimension over a period, ordered by day. */
  async dailyBy(query: { from: Day; to: Day; by: Exclude<Dimension, 'day'>; service?: string }): Promise<Array<{ day: Day; key: string; amount: number }>> {
    const column = DIMENSION_COLUMN[query.by];
    const { rows } = await this.pool.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, ${column} AS key, sum(effective_cost)::float8 AS amount
       FROM cost_daily WHERE day BETWEEN $1 AND $2 AND ($3::text IS NULL OR service = $3)
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [query.from, query.to, query.service ?? null],
    );
    return rows;
  }

  /** Effective cost of one day by service and cloud (for the gauges). */
  async costsOfDay(of: Day): Promise<Array<{ service: string; cloud: string; amount: number }>> {
    const { rows } = await this.pool.query(
      `SELECT service, cloud, sum(effective_cost)::float8 AS amount FROM cost_daily WHERE day = $1
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [of],
    );
    return rows;
  }

  /** Upserts alert conditions by key: values refresh, acknowledge/snooze state is kept. */
  async upsertAlerts(alerts: Array<AlertCandidate & { severity: StoredAlert['severity'] }>, client?: PoolClient): Promise<void> {
    if (alerts.length === 0) return;
    const column = <T>(pick: (alert: (typeof alerts)[number]) => T) => alerts.map(pick);
    await (client ?? this.pool).query(
      `INSERT INTO cost_alerts (id, key, kind, service, severity, period_start, period_end, amount, baseline, change, threshold, message)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[],
         $8::numeric[], $9::numeric[], $10::float8[], $11::float8[], $12::text[])
       ON CONFLICT (key) DO UPDATE SET
         severity = EXCLUDED.severity, period_end = EXCLUDED.period_end, amount = EXCLUDED.amount,
         baseline = EXCLUDED.baseline, change = EXCLUDED.change, threshold = EXCLUDED.threshold,
         message = EXCLUDED.message, updated_at = now()
       WHERE (cost_alerts.amount, cost_alerts.message) IS DISTINCT FROM (EXCLUDED.amount, EXCLUDED.message)`,
      [
        column(() => randomUUID()),
        column(a => a.key),
        column(a => a.kind),
        column(a => a.service),
        column(a => a.severity),
        column(a => a.periodStart),
        column(a => a.periodEnd),
        column(a => a.observed),
        column(a => a.baseline),
        column(a => a.change),
        column(a => a.threshold),
        column(a => a.message),
      ],
    );
  }

  async listAlerts(filter: { status?: AlertStatus; service?: string; id?: string } = {}): Promise<StoredAlert[]> {
    const { rows } = await this.pool.query(
      `SELECT *, ${EFFECTIVE_STATUS} AS effective_status FROM cost_alerts
       WHERE ($1::text IS NULL OR ${EFFECTIVE_STATUS} = $1)
         AND ($2::text IS NULL OR service = $2)
         AND ($3::uuid IS NULL OR id = $3)
       ORDER BY period_end DESC, created_at DESC, key`,
      [filter.status ?? null, filter.service ?? null, filter.id ?? null],
    );
    return rows.map(row => ({
      id: row.id,
      key: row.key,
      kind: row.kind,
      service: row.service,
      severity: row.severity,
      periodStart: day(row.period_start)!,
      periodEnd: day(row.period_end)!,
      amount: Number(row.amount),
      baseline: Number(row.baseline),
      change: row.change,
      threshold: row.threshold,
      message: row.message,
      status: row.effective_status,
      snoozedUntil: row.effective_status === 'snoozed' ? iso(row.snoozed_until) : null,
      acknowledgedBy: row.acknowledged_by,
      acknowledgedAt: iso(row.acknowledged_at),
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    }));
  }

  /** Returns the updated alert, or null when there is no such alert. */
  async acknowledgeAlert(id: string, by: string): Promise<StoredAlert | null> {
    await this.pool.query(
      `UPDATE cost_alerts SET status = 'acknowledged', acknowledged_by = $2, acknowledged_at = now(),
         snoozed_until = NULL, updated_at = now()
       WHERE id = $1 AND status <> 'acknowledged'`,
      [id, by],
    );
    const [alert] = await this.listAlerts({ id });
    return alert ?? null;
  }

  async snoozeAlert(id: string, until: Date): Promise<StoredAlert | null> {
    await this.pool.query(
      `UPDATE cost_alerts SET status = 'snoozed', snoozed_until = $2, updated_at = now() WHERE id = $1`,
      [id, until],
    );
    const [alert] = await this.listAlerts({ id });
    return alert ?? null;
  }

  async reopenAlert(id: string): Promise<StoredAlert | null> {
    await this.pool.query(
      `UPDATE cost_alerts SET status = 'open', snoozed_until = NULL, acknowledged_by = NULL, acknowledged_at = NULL,
         updated_at = now()
       WHERE id = $1`,
      [id],
    );
    const [alert] = await this.listAlerts({ id });
    return alert ?? null;
  }

  async countOpenAlerts(): Promise<Array<{ kind: string; count: number }>> {
    const { rows } = await this.pool.query(
      `SELECT kind, count(*)::int AS count FROM cost_alerts WHERE ${EFFECTIVE_STATUS} = 'open' GROUP BY kind`,
    );
    return rows;
  }
}
