import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { HttpError, problems, requestContext } from '@platform/service-kit';
import {
  CartStore,
  cartFingerprint,
  toCart,
  type Cart,
} from '../cart/CartStore';
import type { ProductCatalog } from '../clients/ProductCatalog';
import { orderEvent, totalOf, type Order } from '../orders/model';
import {
  OrderStore,
  publicOrder,
  type StoredOrder,
} from '../orders/OrderStore';
import {
  allowedNext,
  canTransition,
  type OrderStatus,
} from '../orders/statusFlow';

export const MAX_CART_LINES = 100;

export interface Actor {
  userId: string;
  email?: string;
  roles: string[];
}

export interface CheckoutServiceOptions {
  pool: Pool;
  catalog: ProductCatalog;
  /**
   * A separate small pool for reservation intents: they must commit on their own, and with 50 retries
   * of one key every connection of `pool` can be waiting on that key's lock.
   */
  intentsPool: Pool;
  ordersTopic: string;
  /** Tells the relays there is new outbox work. */
  onOutboxWrite: () => void;
  /** How long a retry waits for the first request with its key before answering 409. */
  lockTimeoutMs?: number;
}

const isPrivileged = (actor: Actor) =>
  actor.roles.includes('admin') || actor.roles.includes('service');

export class CheckoutService {
  constructor(private readonly options: CheckoutServiceOptions) {}

  async cart(userId: string): Promise<Cart> {
    return toCart(userId, await CartStore.lines(this.options.pool, userId));
  }

  async addToCart(
    userId: string,
    productId: string,
    quantity: number,
  ): Promise<Cart> {
    const product = await this.options.catalog.getProduct(productId);
    if (!product) throw problems.notFound(`no product ${productId}`);
    return this.transaction(async client => {
      const lines = await CartStore.lines(client, userId, true);
      const existing = lines.find(line => line.productId === productId);
      if (!existing && lines.length >= MAX_CART_LINES) {
        throw problems.conflict(
          `a cart holds at most ${MAX_CART_LINES} different products`,
        );
      }
      if (
        lines.length > 0 &&
        lines.some(line => line.currency !== product.currency)
      ) {
        throw problems.conflict(
          `the cart is in ${lines[0].currency}; product ${productId} is priced in ${product.currency}`,
        );
      }
      const newQuantity = await CartStore.add(
        client,
        userId,
        product,
        quantity,
      );
      if (newQuantity > product.stock) {
        throw new HttpError(409, 'Insufficient stock', {
          detail: `product ${productId} has ${product.stock} in stock; the cart line would need ${newQuantity}`,
          errors: [
            {
              pointer: '/quantity',
              message: `at most ${Math.max(
                0,
                product.stock - (existing?.quantity ?? 0),
              )} more`,
            },
          ],
        });
      }
      return toCart(userId, await CartStore.lines(client, userId));
    });
  }

  async removeFromCart(userId: string, itemId: string): Promise<Cart> {
    if (!(await CartStore.remove(this.options.pool, userId, itemId))) {
      throw problems.notFound(`no item ${itemId} in the cart`);
    }
    return this.cart(userId);
  }

  /**
   * Places the order for the caller's cart exactly once per Idempotency-Key. Requests with the same
   * key queue on a transaction-scoped advisory lock; the first one reserves stock and commits the
   * order, its checkout_requests row and its outbox event together; the others then find that row
   * and replay the order. The (user_id, idempotency_key) primary key backs this up.
   */
  async checkout(
    actor: Actor,
    idempotencyKey: string,
  ): Promise<{ created: boolean; order: Order }> {
    let reservedOrderId: string | undefined;
    try {
      return await this.transaction(async client => {
        await client.query(
          `SET LOCAL lock_timeout = ${Math.trunc(
            this.options.lockTimeoutMs ?? 15_000,
          )}`,
        );
        await client
          .query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
            `checkout:${actor.userId}:${idempotencyKey}`,
          ])
          .catch((error: { code?: string }) => {
            if (error.code === '55P03') {
              throw problems.conflict(
                'a checkout with this Idempotency-Key is still being processed; retry shortly',
              );
            }
            throw error;
          });
        const lines = await CartStore.lines(client, actor.userId, true);
        const fingerprint = cartFingerprint(lines);

        const previous = await client.query<{
          cart_fingerprint: string;
          order_id: string;
        }>(
          'SELECT cart_fingerprint, order_id FROM checkout_requests WHERE user_id = $1 AND idempotency_key = $2',
          [actor.userId, idempotencyKey],
        );
        if (previous.rows[0]) {
          // After a checkout the cart is empty, so a retry sees an empty cart; a different cart means a different request.
          if (
            lines.length > 0 &&
            fingerprint !== previous.rows[0].cart_fingerprint
          ) {
            throw problems.unprocessable(
              'this Idempotency-Key was used for a different cart; use a new key',
            );
          }
          const order = await OrderStore.get(client, previous.rows[0].order_id);
          return { created: false, order: publicOrder(order!) };
        }
        if (lines.length === 0)
          throw problems.unprocessable('the cart is empty');

        const orderId = randomUUID();
        // Committed on its own before the stock is taken: if this process dies before the order
        // commits, ReservationSweeper finds the intent and gives the stock back.
        await this.options.intentsPool.query(
          'INSERT INTO reservation_intents (order_id) VALUES ($1)',
          [orderId],
        );
        // Set before the call: a timed-out reservation may still have been applied.
        reservedOrderId = orderId;
        const reserved = await this.options.catalog.reserve(
          orderId,
          lines.map(line => ({
            productId: line.productId,
            quantity: line.quantity,
          })),
        );
        const items = reserved.map(item => ({
          ...item,
          name: lines.find(line => line.productId === item.productId)?.name,
        }));
        const order = await OrderStore.insert(client, {
          id: orderId,
          userId: actor.userId,
          email: actor.email ?? null,
          total: totalOf(items),
          currency: lines[0].currency,
          items,
        });
        await client.query(
          'INSERT INTO checkout_requests (user_id, idempotency_key, cart_fingerprint, order_id) VALUES ($1, $2, $3, $4)',
          [actor.userId, idempotencyKey, fingerprint, orderId],
        );
        await this.announce(client, order);
        await CartStore.clear(client, actor.userId);
        await client.query(
          'DELETE FROM reservation_intents WHERE order_id = $1',
          [orderId],
        );
        return { created: true, order: publicOrder(order) };
      });
    } catch (error) {
      // The order did not commit: give the stock back now (the product service treats a repeat as a no-op).
      if (reservedOrderId) {
        const orderId = reservedOrderId;
        await this.options.catalog
          .release(orderId)
          .then(() =>
            this.options.intentsPool.query(
              'DELETE FROM reservation_intents WHERE order_id = $1',
              [orderId],
            ),
          )
          .catch(releaseError =>
            requestContext
              .logger()
              ?.error(
                { err: releaseError, orderId: reservedOrderId },
                'could not release stock of a failed checkout',
              ),
          );
      }
      throw error;
    } finally {
      this.options.onOutboxWrite();
    }
  }

  async order(actor: Actor, orderId: string): Promise<Order> {
    const order = await OrderStore.get(this.options.pool, orderId);
    if (!order) throw problems.notFound(`no order ${orderId}`);
    if (order.userId !== actor.userId && !isPrivileged(actor))
      throw problems.forbidden('not your order');
    return publicOrder(order);
  }

  /** Moves an order along pending -> paid -> shipped -> delivered (or to cancelled), with its events. */
  async changeStatus(
    actor: Actor,
    orderId: string,
    status: OrderStatus,
  ): Promise<Order> {
    const updated = await this.transaction(async client => {
      const order = await OrderStore.get(client, orderId, true);
      if (!order) throw problems.notFound(`no order ${orderId}`);
      const owner = order.userId === actor.userId;
      if (!isPrivileged(actor)) {
        if (!owner) throw problems.forbidden('not your order');
        if (status !== 'cancelled' || order.status !== 'pending') {
          throw problems.forbidden('customers may only cancel a pending order');
        }
      }
      if (!canTransition(order.status, status)) {
        const next = allowedNext(order.status);
        const hint = next.length
          ? `allowed: ${next.join(', ')}`
          : 'it is final';
        throw problems.conflict(
          `an order that is ${order.status} cannot become ${status}; ${hint}`,
        );
      }
      const changed = await OrderStore.setStatus(client, orderId, status);
      await this.announce(client, changed);
      return changed;
    });
    this.options.onOutboxWrite();
    return publicOrder(updated);
  }

  /** Outbox rows for a committed change: the Kafka event, plus the side effects the new status needs. */
  private async announce(
    client: PoolClient,
    order: StoredOrder,
  ): Promise<void> {
    const eventId = randomUUID();
    await OrderStore.enqueue(client, {
      id: eventId,
      destination: 'kafka',
      topic: this.options.ordersTopic,
      key: order.id,
      payload: orderEvent(publicOrder(order), eventId),
    });
    if (order.status === 'paid' && order.email) {
      await OrderStore.enqueue(client, {
        id: randomUUID(),
        destination: 'notification',
        key: order.id,
        payload: {
          channel: 'email',
          to: order.email,
          subject: 'Your order is confirmed',
          template: 'order-confirmation',
          data: {
            orderId: order.id,
            total: order.total,
            currency: order.currency,
          },
        },
      });
    }
    if (order.status === 'cancelled') {
      await OrderStore.enqueue(client, {
        id: randomUUID(),
        destination: 'stock-release',
        key: order.id,
        payload: {},
      });
    }
  }

  private async transaction<T>(
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.options.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
