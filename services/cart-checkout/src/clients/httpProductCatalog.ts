import {
  HttpError,
  type HttpClient,
  type JwtIssuer,
} from '@platform/service-kit';
import type { HttpPoster } from '../outbox/sinks';
import type {
  ProductCatalog,
  ProductSummary,
  ReservedItem,
} from './ProductCatalog';

const statusOf = (error: unknown) =>
  error instanceof HttpError ? error.status : undefined;

async function serviceHeaders(
  tokens: JwtIssuer,
): Promise<Record<string, string>> {
  const token = await tokens.sign({
    sub: 'cart-checkout-service',
    roles: ['service'],
  });
  return { authorization: `Bearer ${token}` };
}

/** product-api over HTTP, presenting a short-lived `service` token for the stock endpoints. */
export function httpProductCatalog(
  client: HttpClient,
  tokens: JwtIssuer,
): ProductCatalog {
  return {
    async getProduct(id: string): Promise<ProductSummary | null> {
      try {
        return (await client.get(
          `/products/${encodeURIComponent(id)}`,
        )) as ProductSummary;
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },

    async reserve(reservationId, items): Promise<ReservedItem[]> {
      const reservation = (await client.post(
        '/stock-reservations',
        { reservationId, items },
        {
          headers: await serviceHeaders(tokens),
        },
      )) as { items: ReservedItem[] };
      return reservation.items;
    },

    async release(reservationId: string): Promise<void> {
      try {
        await client.delete(
          `/stock-reservations/${encodeURIComponent(reservationId)}`,
          {
            headers: await serviceHeaders(tokens),
          },
        );
      } catch (error) {
        // Nothing was reserved under this id (the reservation itself failed): nothing to give back.
        if (statusOf(error) !== 404) throw error;
      }
    },
  };
}

/** An HTTP client for the outbox sinks, authenticated as this service. */
export function serviceCaller(
  client: HttpClient,
  tokens: JwtIssuer,
): HttpPoster {
  return {
    async post(path, body, headers) {
      await client.post(path, body, {
        headers: { ...headers, ...(await serviceHeaders(tokens)) },
      });
    },
    async delete(path, headers) {
      try {
        await client.delete(path, {
          headers: { ...headers, ...(await serviceHeaders(tokens)) },
        });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    },
  };
}
