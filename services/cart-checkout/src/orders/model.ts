import { randomUUID } from 'node:crypto';
import type { OrderStatus } from './statusFlow';

export interface OrderItem {
  productId: string;
  quantity: number;
  price: number;
}

/** An order as the API returns it (`Order` in cart-checkout-api). */
export interface Order {
  id: string;
  userId: string;
  total: number;
  currency: string;
  status: OrderStatus;
  items: OrderItem[];
  createdAt: string;
  updatedAt: string;
}

/** The value of a record on the `orders` topic (`OrderEvent` in the platform-events AsyncAPI). */
export interface OrderEvent {
  eventId: string;
  orderId: string;
  userId: string;
  total: number;
  currency: string;
  status: OrderStatus;
  items: OrderItem[];
  occurredAt: string;
}

export function orderEvent(
  order: Order,
  eventId: string = randomUUID(),
): OrderEvent {
  return {
    eventId,
    orderId: order.id,
    userId: order.userId,
    total: order.total,
    currency: order.currency,
    status: order.status,
    items: order.items,
    occurredAt: order.updatedAt,
  };
}

/** Sums in cents so totals carry no binary floating-point residue. */
export function totalOf(lines: { quantity: number; price: number }[]): number {
  return (
    lines.reduce(
      (cents, line) => cents + Math.round(line.price * 100) * line.quantity,
      0,
    ) / 100
  );
}
