import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import type { IndexableResultSet, SearchQuery } from '@backstage/plugin-search-common';

/**
 * Backstage's Lunr engine, except for a query restricted to document types none of which has an index yet: Lunr
 * throws MissingIndexError for it, which the search backend answers with a 500, while the Postgres engine of
 * deployments answers an empty page. Until the handbook is first built and the techdocs collator has run, every
 * documentation search (the search page's Documentation tab, a TechDocs page's own search box) would fail.
 */
export class LocalLunrSearchEngine extends LunrSearchEngine {
  async query(query: SearchQuery): Promise<IndexableResultSet> {
    const wanted = query.types ?? [];
    if (wanted.length > 0 && !wanted.some(type => this.lunrIndices[type] !== undefined)) {
      return { results: [], numberOfResults: 0 };
    }
    return super.query(query);
  }
}
