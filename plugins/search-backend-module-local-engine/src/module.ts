import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { LocalLunrSearchEngine } from './LocalLunrSearchEngine';

/**
 * Sets LocalLunrSearchEngine when the search plugin's database is not PostgreSQL (the local portal on SQLite), which
 * is exactly when search-backend-module-pg sets no engine and the search backend would fall back to plain Lunr.
 */
export const localSearchEngineModule = createBackendModule({
  pluginId: 'search',
  moduleId: 'local-engine',
  register(reg) {
    reg.registerInit({
      deps: {
        searchEngineRegistry: searchEngineRegistryExtensionPoint,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ searchEngineRegistry, database, logger }) {
        if (await PgSearchEngine.supported(database)) return;
        searchEngineRegistry.setSearchEngine(new LocalLunrSearchEngine({ logger }));
      },
    });
  },
});
