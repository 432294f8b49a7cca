import {
  problems,
  type Request,
  type Response,
  type Router,
} from '@platform/service-kit';
import type { SearchIndex, SearchQuery } from '../index/SearchIndex';

/** One query value as text; the contract validator may already have coerced it to a number. */
function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return single(value[value.length - 1]);
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return typeof value === 'string' ? value : undefined;
}

function numberParam(
  req: Request,
  name: string,
  integer = false,
): number | undefined {
  const raw = single(req.query[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw problems.badRequest(
      `${name} must be a non-negative ${integer ? 'integer' : 'number'}`,
      [
        {
          parameter: name,
          message: `must be a non-negative ${integer ? 'integer' : 'number'}`,
        },
      ],
    );
  }
  return value;
}

/** Reads the query; the contract validator has already enforced types and bounds. */
export function searchQuery(req: Request): SearchQuery {
  const minPrice = numberParam(req, 'minPrice');
  const maxPrice = numberParam(req, 'maxPrice');
  if (minPrice !== undefined && maxPrice !== undefined && maxPrice < minPrice) {
    // numbers the contract allows, refused by a rule it cannot express: its documented 422
    throw problems.unprocessable('maxPrice must not be below minPrice', [
      { parameter: 'maxPrice', message: 'must not be below minPrice' },
    ]);
  }
  return {
    q: single(req.query.q),
    category: single(req.query.category),
    minPrice,
    maxPrice,
    limit: numberParam(req, 'limit', true) ?? 20,
    offset: numberParam(req, 'offset', true) ?? 0,
  };
}

export function searchRoutes(router: Router, index: SearchIndex): void {
  router.get('/search', async (req: Request, res: Response) => {
    res.json(await index.query(searchQuery(req)));
  });
}
