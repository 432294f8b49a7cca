import fs from 'node:fs';
import path from 'node:path';

/** Resolves `target` relative to the file `baseFile`, refusing anything outside `rootDir`. */
export function resolveInside(
  rootDir: string,
  baseFile: string,
  target: string,
): string {
  const root = path.resolve(rootDir);
  const resolved = path.resolve(path.dirname(baseFile), target);
  const relative = path.relative(root, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`${target} (from ${baseFile}) lies outside ${root}`);
  }
  return resolved;
}

function isUrl(value: string): boolean {
  try {
    return Boolean(new URL(value));
  } catch {
    return false;
  }
}

/** The part of Backstage's PlaceholderResolverParams this resolver uses. */
export interface TextPlaceholderParams {
  key: string;
  value: unknown;
  baseUrl: string;
  read(url: string): Promise<Buffer>;
  resolveUrl(url: string, base: string): string;
  emit(result: { type: 'refresh'; key: string }): void;
}

/**
 * A `$text` placeholder resolver for the Backstage catalog that also reads
 * relative paths from `file` locations, which the built-in resolver rejects
 * ("could not form a URL"). Reads are confined to `rootDir`; URL locations keep
 * the built-in behaviour. Register it with
 * `catalogProcessingExtensionPoint.addPlaceholderResolver('text', ...)`.
 */
export function createLocalTextPlaceholderResolver(options: {
  rootDir: string;
}) {
  return async (params: TextPlaceholderParams): Promise<string> => {
    const { key, value, baseUrl } = params;
    if (typeof value !== 'string') {
      throw new Error(`Placeholder $${key} expects a path or URL string`);
    }
    if (!isUrl(baseUrl) && !isUrl(value)) {
      const file = resolveInside(options.rootDir, baseUrl, value);
      return fs.promises.readFile(file, 'utf8');
    }
    const url = params.resolveUrl(value, baseUrl);
    const content = (await params.read(url)).toString('utf-8');
    params.emit({ type: 'refresh', key: `url:${url}` });
    return content;
  };
}
