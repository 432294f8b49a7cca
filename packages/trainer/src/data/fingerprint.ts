import { createHash } from 'node:crypto';
import { Interaction } from './interactions';

export interface DatasetFingerprint {
  sha256: string;
  rows: number;
  users: number;
  items: number;
}

/**
 * sha256 of the interactions sorted by (userId, itemId, ts, type, weight), one line each:
 * `userId \t itemId \t ts (epoch ms) \t type \t weight \n`. The same table gives the same hash whatever its
 * file layout or row order.
 */
export function fingerprint(rows: readonly Interaction[]): DatasetFingerprint {
  const lines = rows.map(r => `${r.userId}\t${r.itemId}\t${r.ts}\t${r.type}\t${r.weight}\n`);
  lines.sort((a, b) => (a < b ? -1 : Number(a > b)));
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return {
    sha256: hash.digest('hex'),
    rows: rows.length,
    users: new Set(rows.map(r => r.userId)).size,
    items: new Set(rows.map(r => r.itemId)).size,
  };
}
