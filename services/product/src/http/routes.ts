import {
  problems,
  type Request,
  type Response,
  type Router,
  type RequestHandler,
} from '@platform/service-kit';
import {
  toProduct,
  type Product,
  type ProductInput,
  type ProductPatch,
} from '../products/model';
import type { ProductStore } from '../products/ProductStore';
import type {
  StockReservations,
  ReservationItem,
} from '../stock/StockReservations';
import { decodeCursor, encodeCursor } from './cursor';
import { ListCache } from './ListCache';

export interface ProductRoutesDeps {
  store: ProductStore;
  reservations: StockReservations;
  /** Middleware for admin-only writes. */
  requireAdmin: RequestHandler;
  /** Middleware for the internal stock endpoints (role `service` or `admin`). */
  requireService: RequestHandler;
  /** Called after every write so the change is published without waiting for the next poll. */
  onChange: () => void;
  /** How long a list page may be served from memory (0 = never). */
  listCacheMs: number;
}

/** One query value as text; the contract validator may already have coerced it to a number. */
function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return single(value[value.length - 1]);
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return typeof value === 'string' ? value : undefined;
}

function numberParam(req: Request, name: string): number | undefined {
  const raw = single(req.query[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw problems.badRequest(`${name} must be a non-negative number`, [
      { parameter: name, message: 'must be a non-negative number' },
    ]);
  }
  return value;
}

/** Parses the list filters; the contract validator has already checked types and bounds. */
function listQuery(req: Request) {
  const minPrice = numberParam(req, 'minPrice');
  const maxPrice = numberParam(req, 'maxPrice');
  if (minPrice !== undefined && maxPrice !== undefined && maxPrice < minPrice) {
    throw problems.unprocessable('maxPrice must not be below minPrice', [
      { parameter: 'maxPrice', message: 'must not be below minPrice' },
    ]);
  }
  // `tags=a,b`: the contract's pattern has checked the comma-separated string; a repeated `tags` is split the same way
  const rawTags = req.query.tags;
  const tags = (Array.isArray(rawTags) ? rawTags : [rawTags])
    .filter((tag): tag is string => typeof tag === 'string')
    .flatMap(tag => tag.split(','))
    .map(tag => tag.trim())
    .filter(Boolean);
  const cursor = single(req.query.cursor);
  return {
    category: single(req.query.category),
    minPrice,
    maxPrice,
    tags,
    q: single(req.query.q),
    limit: Number(single(req.query.limit) ?? 20),
    after: cursor === undefined ? undefined : decodeCursor(cursor),
  };
}

export function productRoutes(router: Router, deps: ProductRoutesDeps): void {
  const { store, reservations, requireAdmin, requireService } = deps;
  const pages = new ListCache<{ items: Product[]; nextCursor: string | null }>(
    deps.listCacheMs,
  );
  const onChange = () => {
    pages.clear();
    deps.onChange();
  };

  router.post(
    '/products',
    requireAdmin,
    async (req: Request, res: Response) => {
      const doc = await store.create(req.body as ProductInput);
      onChange();
      res.status(201).location(`/products/${doc._id}`).json(toProduct(doc));
    },
  );

  router.get('/products', async (req: Request, res: Response) => {
    const query = listQuery(req);
    const page = await pages.get(JSON.stringify(query), async () => {
      const found = await store.list(query);
      return {
        items: found.items.map(toProduct),
        nextCursor: found.lastId === null ? null : encodeCursor(found.lastId),
      };
    });
    res.json(page);
  });

  router.get('/products/:id', async (req: Request, res: Response) => {
    const doc = await store.get(String(req.params.id));
    if (!doc) throw problems.notFound(`no product ${req.params.id}`);
    res.json(toProduct(doc));
  });

  router.patch(
    '/products/:id',
    requireAdmin,
    async (req: Request, res: Response) => {
      const doc = await store.update(
        String(req.params.id),
        req.body as ProductPatch,
      );
      if (!doc) throw problems.notFound(`no product ${req.params.id}`);
      onChange();
      res.json(toProduct(doc));
    },
  );

  router.delete(
    '/products/:id',
    requireAdmin,
    async (req: Request, res: Response) => {
      if (!(await store.delete(String(req.params.id))))
        throw problems.notFound(`no product ${req.params.id}`);
      onChange();
      res.status(204).end();
    },
  );

  router.post(
    '/stock-reservations',
    requireService,
    async (req: Request, res: Response) => {
      const body = req.body as {
        reservationId: string;
        items: ReservationItem[];
      };
      const { created, reservation } = await reservations.reserve(
        body.reservationId,
        body.items,
      );
      if (created) onChange();
      res.status(created ? 201 : 200).json(reservation);
    },
  );

  router.delete(
    '/stock-reservations/:reservationId',
    requireService,
    async (req: Request, res: Response) => {
      await reservations.release(String(req.params.reservationId));
      onChange();
      res.status(204).end();
    },
  );
}
