import { z } from 'zod';

/** What the service reads of a ProductChangeEvent (platform-events AsyncAPI); the rest is not checked here. */
export const productChangeSchema = z.object({
  type: z.enum(['created', 'updated', 'deleted']),
  product: z.object({
    id: z.string().min(1),
    stock: z.number(),
    attributes: z.record(z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
});
export type ProductChange = z.infer<typeof productChangeSchema>;

/**
 * Whether a product may be recommended after a change: not when deleted, out of stock (stock 0), or marked inactive
 * (attribute `active: false` or a `status` attribute other than `active`; the Product schema has no status of its
 * own, a deletion is how a product stops being active).
 */
export function isAvailable(change: ProductChange): boolean {
  if (change.type === 'deleted' || change.product.stock <= 0) return false;
  const attributes = change.product.attributes ?? {};
  if (attributes.active === false) return false;
  if (typeof attributes.status === 'string' && attributes.status.toLowerCase() !== 'active') return false;
  return true;
}

/**
 * The products that must not be recommended, followed from the `products` topic. Only the unavailable ones are
 * kept: a product never seen on the topic (the model knows it from training) counts as available.
 */
export class AvailabilityMap {
  private readonly unavailable = new Set<string>();

  apply(change: ProductChange): void {
    if (isAvailable(change)) this.unavailable.delete(change.product.id);
    else this.unavailable.add(change.product.id);
  }

  /** true when the product must not be recommended (the filter of every ranking) */
  readonly excluded = (productId: string): boolean => this.unavailable.has(productId);

  get size(): number {
    return this.unavailable.size;
  }
}
