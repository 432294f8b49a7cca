import { runService } from '@platform/service-kit';
import { createSearchService, loadSearchConfig } from './app';

export {
  createSearchService,
  loadSearchConfig,
  searchConfigSchema,
} from './app';
export type { SearchServiceConfig } from './app';
export type {
  SearchIndex,
  SearchQuery,
  SearchResult,
  IndexedProduct,
} from './index/SearchIndex';
export { PostgresSearchIndex } from './index/PostgresSearchIndex';

async function main(): Promise<void> {
  const app = await createSearchService(loadSearchConfig());
  // runService stops gracefully on SIGTERM/SIGINT: HTTP drains first, then the workers' shutdown hooks run.
  await runService(app.service);
  await app.startWorkers();
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
