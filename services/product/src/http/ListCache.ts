/**
 * A short-lived cache of public list pages, with one database query per key however many requests
 * miss at once. FerretDB 1.x sorts in the proxy after reading every matching document (about 80 ms
 * for 1,000 products), so without it a burst of identical listings queues on the database. Writes
 * through this replica clear it at once; other replicas' writes show within `ttlMs`.
 */
export class ListCache<T> {
  private readonly entries = new Map<
    string,
    { expiresAt: number; value: Promise<T> }
  >();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1_000,
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    this.entries.set(key, { expiresAt: now + this.ttlMs, value });
    // A failed load is not remembered: the next request tries the database again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
