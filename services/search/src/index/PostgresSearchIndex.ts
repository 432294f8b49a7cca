import type { Pool } from 'pg';
import { migrate } from '../db/database';
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

interface Filters {
  where: string[];
  params: unknown[];
}

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

  async query(query: SearchQuery): Promise<SearchResult> {
    const q = query.q?.trim() ? query.q.trim() : undefined;
    const build = (parts: {
      text: boolean;
      category: boolean;
      price: boolean;
    }): Filters => {
      const filters: Filters = { where: ['NOT deleted'], params: [] };
      const param = (value: unknown) => {
        filters.params.push(value);
        return `$${filters.params.length}`;
      };
      if (parts.text && q)
        filters.where.push(
          `document @@ websearch_to_tsquery('${TS_CONFIG}', ${param(q)})`,
        );
      if (parts.category && query.category !== undefined)
        filters.where.push(`category = ${param(query.category)}`);
      if (parts.price && query.minPrice !== undefined)
        filters.where.push(`price >= ${param(query.minPrice)}`);
      if (parts.price && query.maxPrice !== undefined)
        filters.where.push(`price <= ${param(query.maxPrice)}`);
      return filters;
    };

    const all = build({ text: true, category: true, price: true });
    const rank = q
      ? `ts_rank_cd(document, websearch_to_tsquery('${TS_CONFIG}', $${
          all.params.length + 1
        }), 32)`
      : '0';
    const hitsParams = [
      ...all.params,
      ...(q ? [q] : []),
      query.limit,
      query.offset,
    ];
    const n = hitsParams.length;
    const hits = this.pool.query<{
      id: string;
      name: string;
      category: string;
      price: string;
      tags: string[];
      score: number;
      total: string;
    }>(
      `SELECT id, name, category, price, tags, ${rank} AS score, count(*) OVER () AS total
         FROM search_products
        WHERE ${all.where.join(' AND ')}
        ORDER BY score DESC, name, id
        LIMIT $${n - 1} OFFSET $${n}`,
      hitsParams,
    );
    // Each facet ignores its own filter, so the client can show the other choices with their counts.
    const byCategory = build({ text: true, category: false, price: true });
    const categories = this.pool.query<{ value: string; count: string }>(
      `SELECT category AS value, count(*) AS count FROM search_products
        WHERE ${byCategory.where.join(' AND ')}
        GROUP BY category ORDER BY count(*) DESC, category LIMIT 50`,
      byCategory.params,
    );
    const byPrice = build({ text: true, category: true, price: false });
    const thresholds = PRICE_BUCKET_EDGES.slice(1);
    const buckets = this.pool.query<{ bucket: number; count: string }>(
      `SELECT width_bucket(price, $${
        byPrice.params.length + 1
      }::numeric[]) AS bucket, count(*) AS count
         FROM search_products WHERE ${byPrice.where.join(
           ' AND ',
         )} GROUP BY bucket`,
      [...byPrice.params, thresholds],
    );
    const [hitRows, categoryRows, bucketRows] = await Promise.all([
      hits,
      categories,
      buckets,
    ]);

    let total = hitRows.rows.length ? Number(hitRows.rows[0].total) : 0;
    if (!hitRows.rows.length && query.offset > 0) {
      const counted = await this.pool.query<{ count: string }>(
        `SELECT count(*) AS count FROM search_products WHERE ${all.where.join(
          ' AND ',
        )}`,
        all.params,
      );
      total = Number(counted.rows[0].count);
    }
    const counts = new Map(
      bucketRows.rows.map(row => [Number(row.bucket), Number(row.count)]),
    );
    return {
      total,
      items: hitRows.rows.map(row => ({
        id: row.id,
        name: row.name,
        category: row.category,
        price: Number(row.price),
        tags: row.tags,
        score: Number(row.score),
      })),
      facets: {
        categories: categoryRows.rows.map(row => ({
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
