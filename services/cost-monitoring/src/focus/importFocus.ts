import { parse as parseCsv } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { toDay } from '../domain/dates';
import { cloudOfProvider } from '../domain/platformServices';
import { roundMicros } from '../domain/money';
import { UNALLOCATED_SERVICE, type DailyCostRow } from '../domain/types';
import { REQUIRED_FOCUS_COLUMNS, focusRowSchema, type FocusRow } from './schema';

/** One reason a FOCUS file was rejected: `row` is the 1-based data row (0 = the header). */
export interface FocusRowProblem {
  row: number;
  /** 1-based line in a CSV file, for editors. */
  line?: number;
  field: string;
  message: string;
}

/** A FOCUS file with any invalid row is rejected whole: nothing of it may be stored. */
export class FocusFileRejectedError extends Error {
  constructor(readonly problems: FocusRowProblem[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
    super(`FOCUS file rejected: row ${first.row}, field ${first.field}: ${first.message}${more}`);
    this.name = 'FocusFileRejectedError';
  }
}

export interface FocusImportOptions {
  /** Tag key whose value names the platform service. */
  allocationTagKey: string;
  /** The reporting currency; rows in another currency are rejected rather than silently mixed. */
  currency: string;
  /** Problems listed before the importer stops looking (the file is rejected either way). */
  maxProblems?: number;
}

export interface FocusImportResult {
  rows: DailyCostRow[];
  /** Number of FOCUS rows read (before daily aggregation). */
  sourceRows: number;
  periodStart: string | null;
  periodEnd: string | null;
}

interface SourceRecord {
  record: Record<string, unknown>;
  line?: number;
}

export function importFocusCsv(content: string | Buffer, options: FocusImportOptions): FocusImportResult {
  let parsed: Array<{ record: Record<string, string>; info: { lines: number } }>;
  let header: string[] = [];
  try {
    parsed = parseCsv(content, {
      bom: true,
      columns: (names: string[]) => {
        header = names.map(name => name.trim());
        return header;
      },
      skip_empty_lines: true,
      info: true,
    });
  } catch (error) {
    // csv-parse names the column once the header is known, else gives its 0-based index
    const csvError = error as { message: string; records?: number; lines?: number; column?: string | number };
    const column = csvError.column;
    throw new FocusFileRejectedError([
      {
        row: (csvError.records ?? 0) + 1,
        line: csvError.lines,
        field:
          typeof column === 'number' ? (header[column] ?? `column ${column + 1}`) : column ?? '(record)',
        message: `malformed CSV: ${csvError.message}`,
      },
    ]);
  }
  checkColumns(header);
  return normalize(
    parsed.map(({ record, info }) => ({ record, line: info.lines })),
    options,
  );
}

export async function importFocusParquet(
  content: ArrayBuffer | Uint8Array,
  options: FocusImportOptions,
): Promise<FocusImportResult> {
  const file = content instanceof ArrayBuffer ? content : toArrayBuffer(content);
  let records: Record<string, unknown>[];
  try {
    records = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  } catch (error) {
    throw new FocusFileRejectedError([
      { row: 0, field: '(file)', message: `not a readable Parquet file: ${(error as Error).message}` },
    ]);
  }
  checkColumns(records.length > 0 ? Object.keys(records[0]) : [...REQUIRED_FOCUS_COLUMNS]);
  return normalize(
    records.map(record => ({ record })),
    options,
  );
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

function checkColumns(columns: string[]): void {
  const present = new Set(columns);
  const missing = REQUIRED_FOCUS_COLUMNS.filter(column => !present.has(column));
  if (missing.length > 0) {
    throw new FocusFileRejectedError(
      missing.map(column => ({ row: 0, line: 1, field: column, message: 'required FOCUS column is missing' })),
    );
  }
}

function normalize(records: SourceRecord[], options: FocusImportOptions): FocusImportResult {
  const maxProblems = options.maxProblems ?? 20;
  const problems: FocusRowProblem[] = [];
  const valid: FocusRow[] = [];
  records.forEach(({ record, line }, index) => {
    if (problems.length >= maxProblems) return;
    const row = index + 1;
    const result = focusRowSchema.safeParse(record);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push({ row, line, field: String(issue.path[0] ?? '(row)'), message: issue.message });
      }
      return;
    }
    if (result.data.BillingCurrency !== options.currency) {
      problems.push({
        row,
        line,
        field: 'BillingCurrency',
        message: `expected ${options.currency}, the reporting currency (got ${result.data.BillingCurrency})`,
      });
      return;
    }
    valid.push(result.data);
  });
  if (problems.length > 0) throw new FocusFileRejectedError(problems.slice(0, maxProblems));
  return aggregateDaily(valid, options.allocationTagKey);
}

/** Sums FOCUS rows (hourly or per resource) into one row per day and dimension set, dated by ChargePeriodStart. */
function aggregateDaily(rows: FocusRow[], allocationTagKey: string): FocusImportResult {
  const byKey = new Map<string, DailyCostRow>();
  let periodStart: string | null = null;
  let periodEnd: string | null = null;
  for (const row of rows) {
    const day = toDay(row.ChargePeriodStart);
    const service = row.Tags?.[allocationTagKey]?.trim() || UNALLOCATED_SERVICE;
    const cloud = cloudOfProvider(row.ProviderName);
    const accountId = row.SubAccountId ?? String(row.BillingAccountId);
    const key = [day, service, cloud, accountId, row.ServiceCategory, row.ServiceName, row.ChargeCategory].join('\u0000');
    const existing = byKey.get(key);
    if (existing) {
      existing.billedCost += row.BilledCost;
      existing.effectiveCost += row.EffectiveCost;
    } else {
      byKey.set(key, {
        day,
        service,
        cloud,
        accountId,
        category: row.ServiceCategory,
        providerService: row.ServiceName,
        chargeCategory: row.ChargeCategory,
        currency: row.BillingCurrency,
        billedCost: row.BilledCost,
        effectiveCost: row.EffectiveCost,
      });
    }
    if (periodStart === null || day < periodStart) periodStart = day;
    if (periodEnd === null || day > periodEnd) periodEnd = day;
  }
  const aggregated = [...byKey.values()].map(row => ({
    ...row,
    billedCost: roundMicros(row.billedCost),
    effectiveCost: roundMicros(row.effectiveCost),
  }));
  return { rows: aggregated, sourceRows: rows.length, periodStart, periodEnd };
}
