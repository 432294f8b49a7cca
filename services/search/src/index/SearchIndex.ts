/** A product as the search index keeps it. */
export interface IndexedProduct {
  id: string;
  name: string;
  category: string;
  price: number;
  currency: string;
  tags: string[];
  stock: number;
  /** Source version (product-service); with updatedAt it decides which of two copies is newer. */
  version: number;
  updatedAt: string;
}

export interface SearchQuery {
  q?: string;
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  limit: number;
  offset: number;
}

export interface SearchHit {
  id: string;
  name: string;
  category: string;
  price: number;
  tags: string[];
  score: number;
}

export interface SearchResult {
  total: number;
  items: SearchHit[];
  facets: {
    categories: { value: string; count: number }[];
    priceBuckets: { from: number; to: number | null; count: number }[];
  };
}

/**
 * The search engine behind search-service. Writes are idempotent and ordered by (version, updatedAt):
 * replaying or reordering product events never makes the index go back in time.
 */
export interface SearchIndex {
  /** Creates what the index needs (tables, mappings). */
  init(): Promise<void>;
  /** Returns false when the index already holds this or a newer version. */
  upsert(product: IndexedProduct): Promise<boolean>;
  /** Removes the product from results; remembers the version so an older upsert cannot revive it. */
  delete(
    product: Pick<IndexedProduct, 'id' | 'version' | 'updatedAt'>,
  ): Promise<boolean>;
  query(query: SearchQuery): Promise<SearchResult>;
  /** Throws when the index is unreachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Price facet edges: [0,10), [10,25), ... [1000, open). */
export const PRICE_BUCKET_EDGES = [0, 10, 25, 50, 100, 250, 500, 1000] as const;
