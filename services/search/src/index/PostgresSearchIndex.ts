import type { Pool } from 'pg';
import { migrate } from '@platform/service-kit';
import {
  PRICE_BUCKET_EDGES,
  type IndexedProduct,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
} from './SearchIndex';

/** Text search configuration: English stemming, so "shoes" finds "shoe". */
const TS_CONFIG = 'english';

const DOCUMENT_SQL = `
  setweight(to_tsvector('${TS_CONFIG}', $2), 'A') ||
  setweight(to_tsvector('${TS_CONFIG}', array_to_string($6::text[], ' ')), 'B') ||
  setweight(to_tsvector('${TS_CONFIG}', $3), 'C')`;

const MIGRATIONS = [
  {
    id: 1,
    name: 'search_products with a weighted tsvector and GIN index',
    sql: `
      CREATE TABLE search_products (
        id text PRIMARY KEY,
        name text NOT NULL,
        category text NOT NULL,
        price numeric(12, 2) NOT NULL,
        currency char(3) NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        stock integer NOT NULL DEFAULT 0,
        deleted boolean NOT NULL DEFAULT false,
        version bigint NOT NULL,
        source_updated_at timestamptz NOT NULL,
        document tsvector NOT NULL,
        indexed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX search_products_document ON search_products USING GIN (document) WHERE NOT deleted;
      CREATE INDEX search_products_category ON search_products (category) WHERE NOT deleted;
      CREATE INDEX search_products_price ON search_products (price) WHERE NOT deleted;
    `,
  },
];

/**
 * PostgreSQL full-text search: name weighs A, tags B, category C; `websearch_to_tsquery` parses what
 * people type (quotes, OR, -word); `ts_rank_cd` orders by cover density.
 */
export class PostgresSearchIndex implements SearchIndex {
  constructor(private readonly pool: Pool) {}

  async init(): Promise<void> {
    await migrate(this.pool, MIGRATIONS);
  }

  async upsert(product: IndexedProduct): Promise<boolean> {
    return this.write(product, false);
  }

  async delete(
    product: Pick<IndexedProduct, 'id' | 'version' | 'updatedAt'>,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO search_products (id, name, category, price, currency, tags, deleted, version, source_updated_at, document)
       VALUES ($1, '', '', 0, 'USD', '{}', true, $2, $3, ''::tsvector)
       ON CONFLICT (id) DO UPDATE
         SET deleted = true, version = EXCLUDED.version, source_updated_at = EXCLUDED.source_updated_at, indexed_at = now()
         WHERE (EXCLUDED.version, EXCLUDED.source_updated_at) > (search_products.version, search_products.source_updated_at)`,
      [product.id, product.version, product.updatedAt],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * One round trip: the text match is computed once (a materialised CTE using the GIN index), then the
   * page, the total and both facets are read from it. Each facet ignores its own filter, so the client
   * can show the other choices with their counts.
   */
  async query(query: SearchQuery): Promise<SearchResult> {
    const q = query.q?.trim() ? query.q.trim() : null;
    const text = q
      ? `, websearch_to_tsquery('${TS_CONFIG}', $1::text) AS tsq WHERE NOT p.deleted AND p.document @@ tsq`
      : ' WHERE NOT p.deleted AND $1::text IS NULL';
    const score = q ? 'ts_rank_cd(p.document, tsq, 32)' : '0::real';
    const { rows } = await this.pool.query<{
      total: string;
      items: {
        id: string;
        name: string;
        category: string;
        price: number;
        tags: string[];
        score: number;
      }[];
      categories: { value: string; count: number }[];
      buckets: { bucket: number; count: number }[];
    }>(
      `WITH matched AS MATERIALIZED (
         SELECT p.id, p.name, p.category, p.price, p.tags, ${score} AS score,
                ($2::text IS NULL OR p.category = $2::text) AS in_category,
                (($3::numeric IS NULL OR p.price >= $3::numeric) AND ($4::numeric IS NULL OR p.price <= $4::numeric)) AS in_price
           FROM search_products p${text}
       )
       SELECT
         (SELECT count(*) FROM matched WHERE in_category AND in_price) AS total,
         (SELECT coalesce(json_agg(h), '[]'::json) FROM (
            SELECT id, name, category, price, tags, score FROM matched
             WHERE in_category AND in_price
             ORDER BY score DESC, name, id LIMIT $5 OFFSET $6) h) AS items,
         (SELECT coalesce(json_agg(c), '[]'::json) FROM (
            SELECT category AS value, count(*) AS count FROM matched
             WHERE in_price GROUP BY category ORDER BY count(*) DESC, category LIMIT 50) c) AS categories,
         (SELECT coalesce(json_agg(b), '[]'::json) FROM (
            SELECT width_bucket(price, $7::numeric[]) AS bucket, count(*) AS count FROM matched
             WHERE in_category GROUP BY 1) b) AS buckets`,
      [
        q,
        query.category ?? null,
        query.minPrice ?? null,
        query.maxPrice ?? null,
        query.limit,
        query.offset,
        PRICE_BUCKET_EDGES.slice(1),
      ],
    );
    const [result] = rows;
    const counts = new Map(
      result.buckets.map(row => [Number(row.bucket), Number(row.count)]),
    );
    return {
      total: Number(result.total),
      items: result.items.map(item => ({
        id: item.id,
        name: item.name,
        category: item.category,
        price: Number(item.price),
        tags: item.tags,
        score: Number(item.score),
      })),
      facets: {
        categories: result.categories.map(row => ({
          value: row.value,
          count: Number(row.count),
        })),
        priceBuckets: PRICE_BUCKET_EDGES.map((from, index) => ({
          from,
          to: PRICE_BUCKET_EDGES[index + 1] ?? null,
          count: counts.get(index) ?? 0,
        })),
      },
    };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async write(
    product: IndexedProduct,
    deleted: boolean,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO search_products (id, name, category, price, currency, tags, stock, deleted, version, source_updated_at, document)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10, ${DOCUMENT_SQL})
       ON CONFLICT (id) DO UPDATE
         SET name = EXCLUDED.name, category = EXCLUDED.category, price = EXCLUDED.price,
             currency = EXCLUDED.currency, tags = EXCLUDED.tags, stock = EXCLUDED.stock,
             deleted = EXCLUDED.deleted, version = EXCLUDED.version,
             source_updated_at = EXCLUDED.source_updated_at, document = EXCLUDED.document, indexed_at = now()
         WHERE (EXCLUDED.version, EXCLUDED.source_updated_at) > (search_products.version, search_products.source_updated_at)`,
      [
        product.id,
        product.name,
        product.category,
        product.price,
        product.currency,
        product.tags,
        product.stock,
        deleted,
        product.version,
        product.updatedAt,
      ],
    );
    return (rowCount ?? 0) > 0;
  }
}
