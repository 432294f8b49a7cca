import { randomUUID } from 'node:crypto';
import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { DocumentLocks } from './DocumentLocks';
import {
  DEFAULT_CURRENCY,
  normalizeName,
  type ProductDocument,
  type ProductInput,
  type ProductPatch,
} from './model';

export interface ProductListQuery {
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  tags?: string[];
  q?: string;
  limit: number;
  /** Id of the last product of the previous page. */
  after?: string;
}

export interface ProductListPage {
  items: ProductDocument[];
  /** Id of the last item when another page follows. */
  lastId: string | null;
}

/** Escapes a user string for use inside a regular expression, so `q` is matched literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Products on the MongoDB protocol. Written for FerretDB 1.x: no transactions, no `$text`, no `$expr`,
 * and updates that are not atomic under concurrency, so every write to an existing product holds that
 * product's lock (DocumentLocks). Queries use only equality, comparison, `$all` and `$regex`.
 */
export class ProductStore {
  readonly collection: Collection<ProductDocument>;
  private readonly locks: DocumentLocks;

  constructor(db: Db, collectionName = 'products') {
    this.collection = db.collection<ProductDocument>(collectionName);
    this.locks = new DocumentLocks(db, {
      collectionName: `${collectionName}_locks`,
    });
  }

  /**
   * Creates the missing indexes only: FerretDB 1.24 drops the connection when `createIndexes` names an
   * index that already exists, so a restart must not ask for them again.
   */
  async ensureIndexes(): Promise<void> {
    const wanted: IndexDescription[] = [
      { key: { category: 1, price: 1 }, name: 'category_price' },
      { key: { price: 1 }, name: 'price' },
      { key: { nameNormalized: 1 }, name: 'name' },
      { key: { tags: 1 }, name: 'tags' },
      { key: { pendingPublish: 1 }, name: 'pending_publish' },
    ];
    const existing = await this.collection
      .listIndexes()
      .toArray()
      .catch((error: { code?: number }) => {
        // NamespaceNotFound: the collection does not exist yet, so it has no indexes.
        if (error.code === 26) return [];
        throw error;
      });
    const names = new Set(existing.map(index => index.name as string));
    const missing = wanted.filter(index => !names.has(index.name ?? ''));
    if (missing.length) await this.collection.createIndexes(missing);
  }

  async create(
    input: ProductInput,
    now = new Date(),
  ): Promise<ProductDocument> {
    const doc: ProductDocument = {
      _id: randomUUID(),
      name: input.name,
      nameNormalized: normalizeName(input.name),
      category: input.category,
      price: input.price,
      currency: input.currency ?? DEFAULT_CURRENCY,
      tags: input.tags ?? [],
      attributes: input.attributes ?? {},
      stock: input.stock,
      version: 1,
      publishedVersion: 0,
      pendingPublish: true,
      deleted: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.collection.insertOne(doc);
    return doc;
  }

  async get(id: string): Promise<ProductDocument | null> {
    return this.collection.findOne({ _id: id, deleted: false });
  }

  async list(query: ProductListQuery): Promise<ProductListPage> {
    const filter: Filter<ProductDocument> = { deleted: false };
    if (query.category !== undefined) filter.category = query.category;
    if (query.minPrice !== undefined || query.maxPrice !== undefined) {
      filter.price = {
        ...(query.minPrice !== undefined ? { $gte: query.minPrice } : {}),
        ...(query.maxPrice !== undefined ? { $lte: query.maxPrice } : {}),
      };
    }
    if (query.tags?.length) filter.tags = { $all: query.tags };
    if (query.q !== undefined) {
      filter.nameNormalized = { $regex: escapeRegex(normalizeName(query.q)) };
    }
    if (query.after !== undefined) filter._id = { $gt: query.after };
    const docs = await this.collection
      .find(filter)
      .sort({ _id: 1 })
      .limit(query.limit + 1)
      .toArray();
    const items = docs.slice(0, query.limit);
    const lastId =
      docs.length > query.limit ? items[items.length - 1]._id : null;
    return { items, lastId };
  }

  /** Applies a patch in one atomic update that also bumps the version and marks the change for publishing. */
  async update(
    id: string,
    patch: ProductPatch,
    now = new Date(),
  ): Promise<ProductDocument | null> {
    const set: Partial<ProductDocument> = {
      ...patch,
      updatedAt: now,
      pendingPublish: true,
    };
    if (patch.name !== undefined)
      set.nameNormalized = normalizeName(patch.name);
    return this.locks.withLock(id, () =>
      this.collection.findOneAndUpdate(
        { _id: id, deleted: false },
        { $set: set, $inc: { version: 1 } },
        { returnDocument: 'after' },
      ),
    );
  }

  /** Marks the product deleted; the relay removes the tombstone once the deletion is published. */
  async delete(id: string, now = new Date()): Promise<boolean> {
    const result = await this.locks.withLock(id, () =>
      this.collection.findOneAndUpdate(
        { _id: id, deleted: false },
        {
          $set: { deleted: true, pendingPublish: true, updatedAt: now },
          $inc: { version: 1 },
        },
        { returnDocument: 'after' },
      ),
    );
    return result !== null;
  }

  /**
   * Takes `quantity` units if at least that many are in stock. Under the product's lock, so the stock
   * can never go negative however many checkouts race for the last unit.
   */
  async takeStock(
    id: string,
    quantity: number,
    now = new Date(),
  ): Promise<ProductDocument | null> {
    return this.locks.withLock(id, () =>
      this.collection.findOneAndUpdate(
        { _id: id, deleted: false, stock: { $gte: quantity } },
        {
          $inc: { stock: -quantity, version: 1 },
          $set: { updatedAt: now, pendingPublish: true },
        },
        { returnDocument: 'after' },
      ),
    );
  }

  async returnStock(
    id: string,
    quantity: number,
    now = new Date(),
  ): Promise<ProductDocument | null> {
    return this.locks.withLock(id, () =>
      this.collection.findOneAndUpdate(
        { _id: id, deleted: false },
        {
          $inc: { stock: quantity, version: 1 },
          $set: { updatedAt: now, pendingPublish: true },
        },
        { returnDocument: 'after' },
      ),
    );
  }

  /** Products with changes not yet on Kafka, oldest change first. */
  async pendingChanges(limit: number): Promise<ProductDocument[]> {
    return this.collection
      .find({ pendingPublish: true })
      .sort({ updatedAt: 1 })
      .limit(limit)
      .toArray();
  }

  /**
   * Records that `doc.version` was published. If the product changed meanwhile, the marker stays set and
   * the relay publishes the newer version on its next pass, so no change is lost; `publishedVersion`
   * still moves on, so that next event is an update, not a second creation.
   */
  async markPublished(doc: ProductDocument): Promise<void> {
    await this.locks.withLock(doc._id, async () => {
      const current = await this.collection.findOne({ _id: doc._id });
      if (!current || current.publishedVersion >= doc.version) return;
      if (current.deleted && current.version === doc.version) {
        await this.collection.deleteOne({ _id: doc._id });
        return;
      }
      await this.collection.updateOne(
        { _id: doc._id },
        {
          $set: {
            publishedVersion: doc.version,
            pendingPublish: current.version !== doc.version,
          },
        },
      );
    });
  }
}
