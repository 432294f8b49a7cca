import type { Pool, PoolClient } from 'pg';
import type { Order, OrderItem } from './model';
import type { OrderStatus } from './statusFlow';
import type { OutboxDestination } from '../outbox/OutboxRelay';

type Queryable = Pool | PoolClient;

interface OrderRow {
  id: string;
  user_id: string;
  email: string | null;
  total: string;
  currency: string;
  status: OrderStatus;
  created_at: Date;
  updated_at: Date;
}

export interface StoredOrder extends Order {
  email: string | null;
}

async function withItems(db: Queryable, row: OrderRow): Promise<StoredOrder> {
  const { rows } = await db.query<{
    product_id: string;
    quantity: number;
    price: string;
  }>(
    'SELECT product_id, quantity, price FROM order_items WHERE order_id = $1 ORDER BY id',
    [row.id],
  );
  return {
    id: row.id,
    userId: row.user_id,
    email: row.email,
    total: Number(row.total),
    currency: row.currency.trim(),
    status: row.status,
    items: rows.map(item => ({
      productId: item.product_id,
      quantity: item.quantity,
      price: Number(item.price),
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function publicOrder({ email: _email, ...order }: StoredOrder): Order {
  return order;
}

export const OrderStore = {
  async insert(
    client: PoolClient,
    order: {
      id: string;
      userId: string;
      email: string | null;
      total: number;
      currency: string;
      items: (OrderItem & { name?: string })[];
    },
  ): Promise<StoredOrder> {
    const { rows } = await client.query<OrderRow>(
      `INSERT INTO orders (id, user_id, email, total, currency, status)
       VALUES ($1, $2, $3, $4, $5, 'pending') RETURNING *`,
      [order.id, order.userId, order.email, order.total, order.currency],
    );
    for (const item of order.items) {
      await client.query(
        'INSERT INTO order_items (order_id, product_id, product_name, quantity, price) VALUES ($1, $2, $3, $4, $5)',
        [
          order.id,
          item.productId,
          item.name ?? null,
          item.quantity,
          item.price,
        ],
      );
    }
    return withItems(client, rows[0]);
  },

  async get(
    db: Queryable,
    id: string,
    forUpdate = false,
  ): Promise<StoredOrder | null> {
    const { rows } = await db.query<OrderRow>(
      `SELECT * FROM orders WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? withItems(db, rows[0]) : null;
  },

  async setStatus(
    client: PoolClient,
    id: string,
    status: OrderStatus,
  ): Promise<StoredOrder> {
    const { rows } = await client.query<OrderRow>(
      'UPDATE orders SET status = $2, updated_at = now() WHERE id = $1 RETURNING *',
      [id, status],
    );
    return withItems(client, rows[0]);
  },

  /** Adds an outbox row; call inside the transaction that makes the change it announces. */
  async enqueue(
    client: PoolClient,
    row: {
      id: string;
      destination: OutboxDestination;
      topic?: string;
      key: string;
      payload: unknown;
    },
  ): Promise<void> {
    await client.query(
      'INSERT INTO outbox (id, destination, topic, message_key, payload) VALUES ($1, $2, $3, $4, $5)',
      [
        row.id,
        row.destination,
        row.topic ?? null,
        row.key,
        JSON.stringify(row.payload),
      ],
    );
  },
};
