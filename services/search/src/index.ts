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
  const { createSearchService, loadSearchConfig } = await import('./app');
  const app = await createSearchService(loadSearchConfig());
  const { url } = await app.start();
  app.service.logger.info({ url }, 'search-service listening');
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
