import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { findCatalogDir } from './repoRoot';

/** A parsed OpenAPI 3.1 document; only the members most callers touch are typed. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [key: string]: unknown };
  paths: Record<string, Record<string, unknown>>;
  components?: {
    schemas?: Record<string, unknown>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A parsed AsyncAPI 3 document. */
export interface AsyncApiDocument {
  asyncapi: string;
  channels: Record<string, unknown>;
  operations: Record<string, unknown>;
  components?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The AsyncAPI contract's name; every other contract is OpenAPI. */
export const ASYNC_CONTRACT = 'platform-events';

const cache = new Map<string, unknown>();

/** Absolute path of a contract file, e.g. `contractPath('user-api')`. */
export function contractPath(apiName: string, catalogDir?: string): string {
  const suffix = apiName === ASYNC_CONTRACT ? 'asyncapi.yaml' : 'openapi.yaml';
  return path.join(
    catalogDir ?? findCatalogDir(),
    'apis',
    `${apiName}.${suffix}`,
  );
}

/** Names of every contract in catalog-info/apis. */
export function listContracts(catalogDir?: string): string[] {
  const dir = path.join(catalogDir ?? findCatalogDir(), 'apis');
  return fs
    .readdirSync(dir)
    .map(f => /^(.+)\.(openapi|asyncapi)\.yaml$/.exec(f)?.[1])
    .filter((n): n is string => Boolean(n))
    .sort();
}

/**
 * The parsed contract of an API, as services load it at start-up (internal
 * `$ref`s are left as they are). Parsed once per process and path.
 */
export function loadContract(
  apiName: typeof ASYNC_CONTRACT,
  catalogDir?: string,
): AsyncApiDocument;
export function loadContract(
  apiName: string,
  catalogDir?: string,
): OpenApiDocument;
export function loadContract(
  apiName: string,
  catalogDir?: string,
): OpenApiDocument | AsyncApiDocument {
  const file = contractPath(apiName, catalogDir);
  if (!cache.has(file)) {
    if (!fs.existsSync(file)) {
      throw new Error(
        `No contract named ${apiName}: ${file} does not exist (known: ${listContracts(
          catalogDir,
        ).join(', ')})`,
      );
    }
    cache.set(file, parse(fs.readFileSync(file, 'utf8')));
  }
  // Each caller gets its own copy so one service cannot alter another's view.
  return structuredClone(cache.get(file)) as OpenApiDocument | AsyncApiDocument;
}
