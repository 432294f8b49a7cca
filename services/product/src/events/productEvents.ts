import { createHash } from 'node:crypto';
import {
  toProduct,
  type Product,
  type ProductDocument,
} from '../products/model';

/** The value of a record on the `products` topic (`ProductChangeEvent` in the platform-events AsyncAPI). */
export interface ProductChangeEvent {
  eventId: string;
  type: 'created' | 'updated' | 'deleted';
  /** The product after the change; for `deleted`, its last state. */
  product: Product;
  occurredAt: string;
}

/** Kafka header with the product version the event carries; consumers use it to ignore stale events. */
export const PRODUCT_VERSION_HEADER = 'product-version';

/**
 * A name-based (v5-style) UUID: the same product version always gets the same event id, so a record
 * the relay publishes twice (crash between send and acknowledgement) is recognisable as a duplicate.
 */
export function eventIdFor(productId: string, version: number): string {
  const hash = createHash('sha1')
    .update(`product:${productId}:${version}`)
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
    12,
    16,
  )}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Events carry the whole product state at its version. When several changes happen between two relay
 * passes, the latest state is published once: consumers that keep a copy (search, recommendations)
 * converge on it, and the version header tells them to skip anything older.
 */
export function productEventFor(doc: ProductDocument): ProductChangeEvent {
  let type: ProductChangeEvent['type'] = 'updated';
  if (doc.deleted) type = 'deleted';
  else if (doc.publishedVersion === 0) type = 'created';
  return {
    eventId: eventIdFor(doc._id, doc.version),
    type,
    product: toProduct(doc),
    occurredAt: doc.updatedAt.toISOString(),
  };
}
