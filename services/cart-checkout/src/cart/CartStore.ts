import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { totalOf } from '../orders/model';

type Queryable = Pool | PoolClient;

export const DEFAULT_CURRENCY = 'USD';

export interface CartLine {
  id: string;
  productId: string;
  name?: string;
  quantity: number;
  unitPrice: number;
  currency: string;
  updatedAt: Date;
}

/** The cart as the API returns it (`Cart` in cart-checkout-api). */
export interface Cart {
  userId: string;
  items: {
    id: string;
    productId: string;
    name?: string;
    quantity: number;
    unitPrice: number;
    lineTotal: number;
  }[];
  total: number;
  currency: string;
  updatedAt: string | null;
}

interface CartRow {
  id: string;
  product_id: string;
  product_name: string | null;
  quantity: number;
  unit_price: string;
  currency: string;
  updated_at: Date;
}

export const CartStore = {
  async lines(
    db: Queryable,
    userId: string,
    forUpdate = false,
  ): Promise<CartLine[]> {
    const { rows } = await db.query<CartRow>(
      `SELECT id, product_id, product_name, quantity, unit_price, currency, updated_at
         FROM cart_items WHERE user_id = $1 ORDER BY added_at, id${
           forUpdate ? ' FOR UPDATE' : ''
         }`,
      [userId],
    );
    return rows.map(row => ({
      id: row.id,
      productId: row.product_id,
      ...(row.product_name === null ? {} : { name: row.product_name }),
      quantity: row.quantity,
      unitPrice: Number(row.unit_price),
      currency: row.currency.trim(),
      updatedAt: row.updated_at,
    }));
  },

  /** Adds `quantity` to the product's line (creating it), returning the line's new quantity. */
  async add(
    client: PoolClient,
    userId: string,
    product: { id: string; name: string; price: number; currency: string },
    quantity: number,
  ): Promise<number> {
    const { rows } = await client.query<{ quantity: number }>(
      `INSERT INTO cart_items (id, user_id, product_id, product_name, quantity, unit_price, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (user_id, product_id) DO UPDATE
         SET quantity = cart_items.quantity + EXCLUDED.quantity,
             product_name = EXCLUDED.product_name,
             unit_price = EXCLUDED.unit_price,
             currency = EXCLUDED.currency,
             updated_at = now()
       RETURNING quantity`,
      [
        randomUUID(),
        userId,
        product.id,
        product.name,
        quantity,
        product.price,
        product.currency,
      ],
    );
    return rows[0].quantity;
  },

  async remove(
    db: Queryable,
    userId: string,
    itemId: string,
  ): Promise<boolean> {
    const { rowCount } = await db.query(
      'DELETE FROM cart_items WHERE id = $1 AND user_id = $2',
      [itemId, userId],
    );
    return (rowCount ?? 0) > 0;
  },

  async clear(client: PoolClient, userId: string): Promise<void> {
    await client.query('DELETE FROM cart_items WHERE user_id = $1', [userId]);
  },
};

export function toCart(userId: string, lines: CartLine[]): Cart {
  const items = lines.map(line => ({
    id: line.id,
    productId: line.productId,
    ...(line.name === undefined ? {} : { name: line.name }),
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    lineTotal: totalOf([{ quantity: line.quantity, price: line.unitPrice }]),
  }));
  const latest = lines.reduce<Date | null>(
    (max, line) => (max && max > line.updatedAt ? max : line.updatedAt),
    null,
  );
  return {
    userId,
    items,
    total: totalOf(
      lines.map(line => ({ quantity: line.quantity, price: line.unitPrice })),
    ),
    currency: lines[0]?.currency ?? DEFAULT_CURRENCY,
    updatedAt: latest ? latest.toISOString() : null,
  };
}

/** What a checkout was for: the same key with a different cart is refused rather than replayed. */
export function cartFingerprint(lines: CartLine[]): string {
  return lines
    .map(line => `${line.productId}x${line.quantity}`)
    .sort()
    .join(',');
}
