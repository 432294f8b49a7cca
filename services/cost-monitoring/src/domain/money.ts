/** Cost arithmetic rounds only at the edges: sums keep full precision, presented amounts are cents. */
export function roundCents(amount: number): number {
  return Math.round((amount + Number.EPSILON) * 100) / 100;
}

/** Storage precision (numeric(18,6) in PostgreSQL): FOCUS costs carry up to six decimals in practice. */
export function roundMicros(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}

export function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
