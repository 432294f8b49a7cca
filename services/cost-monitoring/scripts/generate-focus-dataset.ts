/**
 * Writes the embedded FOCUS dataset as CSV.
 * Usage: yarn workspace @platform/cost-monitoring-service generate-dataset [--end YYYY-MM-DD] [--days N] [--out file]
 * Defaults: ends today (UTC), 120 days, written to .state/cost-monitoring/focus-embedded.csv.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stateRoot } from '@platform/local-infra';
import { isDay, todayUtc } from '../src/domain/dates';
import { generateFocusDataset, toFocusCsv } from '../src/dataset/generateFocusDataset';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const endDay = argument('end') ?? process.env.COST_DATASET_END_DATE ?? todayUtc();
if (!isDay(endDay)) throw new Error(`--end must be a date YYYY-MM-DD, got ${endDay}`);
const days = Number(argument('days') ?? 120);
if (!Number.isInteger(days) || days < 1) throw new Error(`--days must be a positive integer, got ${days}`);
const out = argument('out') ?? path.join(stateRoot(), 'cost-monitoring', 'focus-embedded.csv');

const records = generateFocusDataset({ endDay, days });
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, toFocusCsv(records));
process.stdout.write(`wrote ${records.length} FOCUS rows (${days} days ending ${endDay}) to ${out}\n`);
