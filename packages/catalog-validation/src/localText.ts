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
