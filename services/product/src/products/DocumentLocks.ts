import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';

interface LockDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

const DUPLICATE_KEY = 11000;

export interface DocumentLocksOptions {
  collectionName?: string;
  /** A holder that died keeps the lock at most this long. */
  ttlMs?: number;
  /** Give up waiting after this long. */
  waitMs?: number;
}

export class LockTimeoutError extends Error {}

/**
 * Per-document mutual exclusion for FerretDB 1.x. Its SQLite backend applies an update as
 * read, modify in the proxy, write back, so two concurrent conditional updates of one document can
 * both "match" and one overwrites the other (measured: 20 racing `$inc` with `stock >= 1` on stock 5
 * reported 13 successes and left 4). Inserting a duplicate `_id` is the one operation it does
 * atomically (a SQLite primary key), so a lock is an inserted document, released by deleting it.
 * Within one process, callers for the same key also queue in memory so they do not poll the database.
 */
export class DocumentLocks {
  private readonly collection: Collection<LockDocument>;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly local = new Map<string, Promise<unknown>>();

  constructor(db: Db, options: DocumentLocksOptions = {}) {
    this.collection = db.collection<LockDocument>(
      options.collectionName ?? 'document_locks',
    );
    this.ttlMs = options.ttlMs ?? 10_000;
    this.waitMs = options.waitMs ?? 15_000;
  }

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.local.get(key) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() => this.withDatabaseLock(key, work));
    this.local.set(key, run);
    try {
      return await run;
    } finally {
      if (this.local.get(key) === run) this.local.delete(key);
    }
  }

  private async withDatabaseLock<T>(
    key: string,
    work: () => Promise<T>,
  ): Promise<T> {
    const owner = randomUUID();
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.collection.insertOne({
          _id: key,
          owner,
          expiresAt: new Date(Date.now() + this.ttlMs),
        });
        break;
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
      // A holder that crashed left its lock behind; take it over once it has expired.
      await this.collection.deleteOne({
        _id: key,
        expiresAt: { $lt: new Date() },
      });
      if (Date.now() > deadline)
        throw new LockTimeoutError(`timed out waiting for the lock on ${key}`);
      await new Promise(resolve =>
        setTimeout(
          resolve,
          Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()),
        ),
      );
    }
    try {
      return await work();
    } finally {
      await this.collection.deleteOne({ _id: key, owner });
    }
  }
}
