/**
 * Reads the platform catalog (`catalog-info/`) and the API contracts it holds.
 * Services import `loadContract`; the validation checks live in `./validation`.
 */
export {
  CATALOG_DIR_ENV,
  CATALOG_DIR_NAME,
  findCatalogDir,
  findRepoRoot,
} from './repoRoot';
export { loadCatalog, resolveTextPlaceholders } from './catalog';
export type { CatalogEntry } from './catalog';
export {
  ASYNC_CONTRACT,
  contractPath,
  listContracts,
  loadContract,
} from './contracts';
export type { AsyncApiDocument, OpenApiDocument } from './contracts';
export { resolveInside } from './localText';
