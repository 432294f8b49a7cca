/** A product as the API returns it (`Product` in product-api). */
export interface Product {
  id: string;
  name: string;
  category: string;
  price: number;
  currency: string;
  tags: string[];
  attributes: Record<string, string | number | boolean>;
  stock: number;
  updatedAt: string;
}

export type ProductInput = Omit<
  Product,
  'id' | 'updatedAt' | 'currency' | 'tags' | 'attributes'
> &
  Partial<Pick<Product, 'currency' | 'tags' | 'attributes'>>;

export type ProductPatch = Partial<Omit<Product, 'id' | 'updatedAt'>>;

/**
 * The stored document. FerretDB 1.x has no multi-document transactions, so everything that must change
 * together lives in this one document: the product, its `version` and the outbox marker `pendingPublish`.
 */
export interface ProductDocument {
  _id: string;
  name: string;
  /** Lower-cased, accent-free name: the name filter is a case-insensitive match on it. */
  nameNormalized: string;
  category: string;
  price: number;
  currency: string;
  tags: string[];
  attributes: Record<string, string | number | boolean>;
  stock: number;
  /** Bumped by every change; events carry it so consumers can ignore replays and reordering. */
  version: number;
  /** The last version the relay published (0 = never published). */
  publishedVersion: number;
  /** Set in the same write as the change; cleared by the relay once `version` is on Kafka. */
  pendingPublish: boolean;
  /** Deleted products stay as tombstones until the relay has published the deletion. */
  deleted: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const DEFAULT_CURRENCY = 'USD';

export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export function toProduct(doc: ProductDocument): Product {
  return {
    id: doc._id,
    name: doc.name,
    category: doc.category,
    price: doc.price,
    currency: doc.currency,
    tags: doc.tags,
    attributes: doc.attributes,
    stock: doc.stock,
    updatedAt: doc.updatedAt.toISOString(),
  };
}
