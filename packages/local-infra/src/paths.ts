import fs from 'node:fs';
import path from 'node:path';

/** The monorepo root: the nearest folder above this package whose package.json declares workspaces. */
// This package always runs from source inside the repository (tsx, Jest), never from a bundle.
// eslint-disable-next-line no-restricted-syntax
export function findRepoRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, 'utf8')).workspaces)
          return dir;
      } catch {
        // An unreadable manifest is not the root; keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `no monorepo root (package.json with "workspaces") above ${start}`,
      );
    }
    dir = parent;
  }
}

/** The git-ignored `.state/` folder at the repo root. */
export function stateRoot(repoRoot: string = findRepoRoot()): string {
  return path.join(repoRoot, '.state');
}

/** Where `yarn infra` writes the connection settings every service and test reads. */
export function infraEnvFile(repoRoot: string = findRepoRoot()): string {
  return (
    process.env.INFRA_ENV_FILE || path.join(stateRoot(repoRoot), 'infra.env')
  );
}
