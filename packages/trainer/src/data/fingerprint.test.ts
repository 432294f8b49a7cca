import { createHash } from 'node:crypto';
import { fingerprint } from './fingerprint';

describe('fingerprint', () => {
  it('hashes the sorted lines, whatever the row order', () => {
    const a = { userId: 'u1', itemId: 'p2', ts: 5, type: 'view', weight: 1 };
    const b = { userId: 'u0', itemId: 'p9', ts: 7, type: 'cart', weight: 4 };
    // sorted: "u0\tp9\t7\tcart\t4\n" before "u1\tp2\t5\tview\t1\n"
    const expected = createHash('sha256').update('u0\tp9\t7\tcart\t4\nu1\tp2\t5\tview\t1\n').digest('hex');
    expect(fingerprint([a, b])).toEqual({ sha256: expected, rows: 2, users: 2, items: 2 });
    expect(fingerprint([b, a]).sha256).toBe(expected);
  });
});
