import fs from 'node:fs';
import path from 'node:path';

/** The directory, inside the repository root, that holds the catalog and the API contracts. */
export const CATALOG_DIR_NAME = 'catalog-info';

/** Environment variable that points straight at a catalog-info directory (e.g. in a container image). */
export const CATALOG_DIR_ENV = 'CATALOG_INFO_DIR';

function hasCatalog(dir: string): boolean {
  return fs.existsSync(path.join(dir, CATALOG_DIR_NAME, 'all.yaml'));
}

function walkUp(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (hasCatalog(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Finds the repository root: the nearest directory, walking up from `start`
 * (then from the current directory, then from this file), that contains
 * `catalog-info/all.yaml`.
 */
export function findRepoRoot(start?: string): string {
  // This file's own directory is the last resort: wherever it is built to, it stays inside the repository.
  // eslint-disable-next-line no-restricted-syntax
  const starts = [start, process.cwd(), __dirname].filter(
    (s): s is string => typeof s === 'string',
  );
  for (const s of starts) {
    const root = walkUp(s);
    if (root) return root;
  }
  throw new Error(
    `No ${CATALOG_DIR_NAME}/all.yaml found above ${starts.join(
      ', ',
    )}; set ${CATALOG_DIR_ENV} to the catalog directory`,
  );
}

/** Absolute path of the catalog-info directory ($CATALOG_INFO_DIR wins over the walk up). */
export function findCatalogDir(start?: string): string {
  const fromEnv = process.env[CATALOG_DIR_ENV];
  if (fromEnv) {
    const dir = path.resolve(fromEnv);
    if (!fs.existsSync(path.join(dir, 'all.yaml'))) {
      throw new Error(`${CATALOG_DIR_ENV}=${fromEnv} has no all.yaml`);
    }
    return dir;
  }
  return path.join(findRepoRoot(start), CATALOG_DIR_NAME);
}
