import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Entity } from '@backstage/catalog-model';
import { findCatalogDir } from './repoRoot';
import { resolveInside } from './localText';

/** An entity as written in a catalog file, with the file it came from. */
export interface CatalogEntry {
  entity: Entity;
  file: string;
}

function readYamlDocuments(file: string): unknown[] {
  const documents = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const list = Array.isArray(documents) ? documents : [documents];
  return list.map(doc => {
    if (doc.errors.length > 0) {
      throw new Error(`${file}: ${doc.errors[0].message}`);
    }
    return doc.toJS();
  });
}

function isEntity(value: unknown): value is Entity {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Entity).kind === 'string' &&
    typeof (value as Entity).apiVersion === 'string'
  );
}

/**
 * Reads every entity reachable from `catalog-info/all.yaml`, following the
 * `file` targets of Location entities the way the catalog backend does.
 */
export function loadCatalog(catalogDir = findCatalogDir()): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const doc of readYamlDocuments(file)) {
      if (doc === null) continue;
      if (!isEntity(doc)) {
        throw new Error(`${file}: a document is not an entity`);
      }
      entries.push({ entity: doc, file });
      if (doc.kind === 'Location') {
        const spec = (doc.spec ?? {}) as {
          type?: string;
          target?: string;
          targets?: string[];
        };
        if (spec.type && spec.type !== 'file') continue;
        for (const target of [
          ...(spec.target ? [spec.target] : []),
          ...(spec.targets ?? []),
        ]) {
          // anywhere in the repository: the handbook's entity sits at its root, beside the mkdocs.yml it builds
          visit(resolveInside(path.dirname(catalogDir), file, target));
        }
      }
    }
  };
  visit(path.join(catalogDir, 'all.yaml'));
  return entries;
}

/**
 * Replaces `{$text: <relative path>}` in an entity and returns the resolved
 * copy; the input is not changed. Same rule as the portal's resolver
 * (plugins/catalog-backend-module-file-placeholders): relative to the entity's
 * file and never outside that file's directory.
 */
export function resolveTextPlaceholders(entry: CatalogEntry): Entity {
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === '$text') {
      const target = record.$text;
      if (typeof target !== 'string') {
        throw new Error(`${entry.file}: $text needs a path string`);
      }
      return fs.readFileSync(
        resolveInside(path.dirname(entry.file), entry.file, target),
        'utf8',
      );
    }
    return Object.fromEntries(keys.map(k => [k, resolve(record[k])]));
  };
  return resolve(entry.entity) as Entity;
}
