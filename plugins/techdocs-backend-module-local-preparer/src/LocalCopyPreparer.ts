import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { NotModifiedError } from '@backstage/errors';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import {
  parseReferenceAnnotation,
  transformDirLocation,
  type PreparerBase,
  type PreparerOptions,
  type PreparerResponse,
} from '@backstage/plugin-techdocs-node';

/** Never part of a docs site: dependencies, the project's local state, version control. */
const SKIPPED = new Set(['node_modules', '.state', '.git', '.yarn', 'dist', 'dist-types']);

/**
 * The preparer of `dir:` TechDocs sources whose entity was read from a file on this machine.
 *
 * Backstage's DirectoryPreparer hands the folder itself to the generator, which refuses a folder holding a symbolic
 * link that leaves it (every `node_modules/.bin` and Python venv does) and reads all of it (the whole repository, for
 * the platform handbook at its root). This one copies the folder without `node_modules`, `.state`, `.git` and
 * symbolic links into a fresh working folder, which the builder removes after the build; the generator may then
 * patch mkdocs.yml there without touching the repository. A `dir:` source beside an entity read from a URL goes to
 * `delegate` (Backstage's DirectoryPreparer).
 *
 * Its etag is a digest of every copied file's path, size and modification time. The builder asks again on a page
 * view once a minute has passed since its last check; an unchanged folder answers NotModifiedError, so the published
 * site stays as it is instead of being rebuilt (and rewritten under a reader) on every visit.
 */
export class LocalCopyPreparer implements PreparerBase {
  constructor(
    private readonly options: {
      integrations: ScmIntegrationRegistry;
      delegate: PreparerBase;
      /** where copies are made (backend.workingDirectory), else the OS temporary folder */
      workingDirectory?: string;
    },
  ) {}

  shouldCleanPreparedDirectory() {
    return true;
  }

  async prepare(entity: Entity, options?: PreparerOptions): Promise<PreparerResponse> {
    const annotation = parseReferenceAnnotation('backstage.io/techdocs-ref', entity);
    const { type, target } = transformDirLocation(entity, annotation, this.options.integrations);
    if (type !== 'dir') return this.options.delegate.prepare(entity, options);
    const etag = await sourceDigest(target);
    if (options?.etag === etag) throw new NotModifiedError(`${target} is unchanged since the last build`);
    const base = await fs.realpath(this.options.workingDirectory ?? os.tmpdir());
    const copy = await fs.mkdtemp(path.join(base, 'techdocs-source-'));
    try {
      await fs.cp(target, copy, { recursive: true, filter: async source => source === target || (await included(source)) });
    } catch (error) {
      await fs.rm(copy, { recursive: true, force: true });
      throw error;
    }
    options?.logger?.debug(`Copied ${target} to ${copy} for the TechDocs build`);
    return { preparedDir: copy, etag };
  }
}

async function included(source: string): Promise<boolean> {
  return !SKIPPED.has(path.basename(source)) && !(await fs.lstat(source)).isSymbolicLink();
}

/** A digest of what the copy would hold: each file's relative path, size and modification time, in path order. */
async function sourceDigest(root: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (SKIPPED.has(entry.name) || entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        hash.update(`d ${path.relative(root, full)}\n`);
        await walk(full);
      } else {
        const { size, mtimeMs } = await fs.stat(full);
        hash.update(`f ${path.relative(root, full)} ${size} ${mtimeMs}\n`);
      }
    }
  };
  await walk(root);
  return hash.digest('hex');
}
