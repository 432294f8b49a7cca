import type { Collection, Db } from 'mongodb';
import { HttpError, problems } from '@platform/service-kit';
import type { ProductStore } from '../products/ProductStore';
import { DocumentLocks } from '../products/DocumentLocks';

export interface ReservationItem {
  productId: string;
  quantity: number;
  /** Unit price when the stock was taken; checkout charges it. */
  price?: number;
}

/**
 * `pending` while items are being taken, `reserved` once all are, `releasing`/`released` on the way back.
 * `taken`/`returned` count the items done so far, so a retry after a crash resumes instead of repeating.
 */
interface ReservationDocument {
  _id: string;
  state: 'pending' | 'reserved' | 'releasing' | 'released';
  items: ReservationItem[];
  taken: number;
  returned: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface StockReservation {
  reservationId: string;
  items: Required<ReservationItem>[];
  createdAt: string;
}

const DUPLICATE_KEY = 11000;
/** A reservation still `pending` this long after its last step was abandoned by a process that died. */
const PENDING_ABANDONED_MS = 60_000;

function toReservation(doc: ReservationDocument): StockReservation {
  return {
    reservationId: doc._id,
    items: doc.items.map(item => ({
      productId: item.productId,
      quantity: item.quantity,
      price: item.price ?? 0,
    })),
    createdAt: doc.createdAt.toISOString(),
  };
}

/**
 * All-or-nothing stock reservations without multi-document transactions (FerretDB 1.x has none):
 * each item is taken by one conditional update (`stock >= quantity`); if any item is short, the items
 * already taken are given back and the reservation is forgotten, so nothing changes.
 */
export class StockReservations {
  private readonly reservations: Collection<ReservationDocument>;
  private readonly locks: DocumentLocks;

  constructor(
    db: Db,
    private readonly products: ProductStore,
    collectionName = 'stock_reservations',
  ) {
    this.reservations = db.collection<ReservationDocument>(collectionName);
    this.locks = new DocumentLocks(db, {
      collectionName: `${collectionName}_locks`,
    });
  }

  /** Returns the reservation and whether this call created it (201) or found it (200). */
  async reserve(
    reservationId: string,
    items: ReservationItem[],
  ): Promise<{ created: boolean; reservation: StockReservation }> {
    const now = new Date();
    const doc: ReservationDocument = {
      _id: reservationId,
      state: 'pending',
      items: items.map(({ productId, quantity }) => ({ productId, quantity })),
      taken: 0,
      returned: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.reservations.insertOne(doc);
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      const existing = await this.reservations.findOne({ _id: reservationId });
      if (!existing || existing.state === 'pending') {
        throw problems.conflict(
          `reservation ${reservationId} is still being processed; retry shortly`,
        );
      }
      return { created: false, reservation: toReservation(existing) };
    }

    const priced: ReservationItem[] = [];
    for (const item of doc.items) {
      const product = await this.products.takeStock(
        item.productId,
        item.quantity,
      );
      if (!product) {
        await this.giveBack(priced);
        await this.reservations.deleteOne({ _id: reservationId });
        throw await this.shortageProblem(doc.items);
      }
      priced.push({ ...item, price: product.price });
      await this.reservations.updateOne(
        { _id: reservationId },
        {
          $set: {
            taken: priced.length,
            items: [...priced, ...doc.items.slice(priced.length)],
            updatedAt: new Date(),
          },
        },
      );
    }
    const reserved: ReservationDocument = {
      ...doc,
      state: 'reserved',
      items: priced,
      taken: priced.length,
    };
    await this.reservations.updateOne(
      { _id: reservationId },
      {
        $set: {
          state: 'reserved',
          items: priced,
          taken: priced.length,
          updatedAt: new Date(),
        },
      },
    );
    return { created: true, reservation: toReservation(reserved) };
  }

  /** Gives the stock back; releasing twice is a no-op. */
  async release(reservationId: string): Promise<void> {
    await this.locks.withLock(reservationId, () =>
      this.releaseLocked(reservationId),
    );
  }

  private async releaseLocked(reservationId: string): Promise<void> {
    const existing = await this.reservations.findOne({ _id: reservationId });
    if (!existing)
      throw problems.notFound(`no stock reservation ${reservationId}`);
    if (existing.state === 'released') return;
    let { items } = existing;
    if (existing.state === 'pending') {
      // A reservation still pending after a minute was abandoned mid-way (its process died): give back
      // the items it had taken.
      if (Date.now() - existing.updatedAt.getTime() < PENDING_ABANDONED_MS) {
        throw problems.conflict(
          `reservation ${reservationId} is still being processed; retry shortly`,
        );
      }
      items = existing.items.slice(0, existing.taken);
    }
    if (existing.state !== 'releasing') {
      await this.reservations.updateOne(
        { _id: reservationId },
        { $set: { state: 'releasing', items, updatedAt: new Date() } },
      );
    }
    for (let i = existing.returned; i < items.length; i++) {
      const item = items[i];
      await this.products.returnStock(item.productId, item.quantity);
      await this.reservations.updateOne(
        { _id: reservationId },
        { $set: { returned: i + 1, updatedAt: new Date() } },
      );
    }
    await this.reservations.updateOne(
      { _id: reservationId },
      { $set: { state: 'released', updatedAt: new Date() } },
    );
  }

  private async giveBack(items: ReservationItem[]): Promise<void> {
    for (const item of [...items].reverse())
      await this.products.returnStock(item.productId, item.quantity);
  }

  /** 404 naming unknown products, else 409 with one `errors` entry per short product. */
  private async shortageProblem(items: ReservationItem[]): Promise<HttpError> {
    const missing: string[] = [];
    const errors: { pointer: string; message: string }[] = [];
    for (const [index, item] of items.entries()) {
      const product = await this.products.get(item.productId);
      if (!product) missing.push(item.productId);
      else if (product.stock < item.quantity) {
        errors.push({
          pointer: `/items/${index}/quantity`,
          message: `product ${item.productId} has ${product.stock} in stock, ${item.quantity} requested`,
        });
      }
    }
    if (missing.length)
      return problems.notFound(`unknown products: ${missing.join(', ')}`);
    return new HttpError(409, 'Insufficient stock', {
      detail: 'Not enough stock for at least one item; nothing was reserved.',
      errors: errors.length
        ? errors
        : [
            {
              pointer: '/items',
              message: 'stock changed while reserving; retry',
            },
          ],
    });
  }
}
