import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { PlaceholderResolverParams } from '@backstage/plugin-catalog-node';

/**
 * `$text` that also works for `file` locations. The catalog's own resolver only forms URLs, and the base
 * of a file location is a plain path, so definitions next to a local catalog file fail to load.
 * File paths resolve relative to the entity's file and may not leave its directory tree; URLs behave as before.
 */
export async function textResolver(params: PlaceholderResolverParams): Promise<string> {
  const { key, value, baseUrl } = params;
  if (typeof value !== 'string') {
    throw new Error(`Placeholder $${key} expected a string, a relative path or an absolute URL`);
  }
  if (!isAbsolute(baseUrl)) {
    const url = params.resolveUrl(value, baseUrl);
    return (await params.read(url)).toString('utf-8');
  }
  const root = dirname(baseUrl);
  const target = resolve(root, value);
  const fromRoot = relative(root, target);
  if (fromRoot.startsWith('..') || isAbsolute(fromRoot)) {
    throw new Error(`Placeholder $${key} may only read files under ${root}, not ${value}`);
  }
  try {
    return await readFile(target, 'utf-8');
  } catch (e) {
    throw new Error(`Placeholder $${key} could not read ${target}: ${(e as Error).message}`);
  }
}
