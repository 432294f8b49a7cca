import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REGISTER_LOCAL_ACTION_ID = 'catalog:register-local';

/** The entity ref of the first entity in a catalog-info file: the one the template links to. */
export function firstEntityRef(text: string): string {
  const doc = parseAllDocuments(text)[0]?.toJS() as
    | { kind?: string; metadata?: { name?: string; namespace?: string } }
    | undefined;
  if (!doc?.kind || !doc.metadata?.name) {
    throw new InputError('catalog-info file has no entity with kind and metadata.name');
  }
  return `${doc.kind.toLowerCase()}:${doc.metadata.namespace ?? 'default'}/${doc.metadata.name}`;
}

/**
 * catalog:register for repositories published by publish:local-git: registers a `file` location (the catalog
 * cannot read file:// URLs through its URL readers) and refuses an entity name that is already taken.
 */
export function createRegisterLocalAction(options: { catalog: CatalogService; baseDir: string }) {
  const baseDir = resolve(options.baseDir);
  return createTemplateAction({
    id: REGISTER_LOCAL_ACTION_ID,
    description: 'Registers the catalog-info file of a local git repository in the catalog',
    supportsDryRun: true,
    schema: {
      input: {
        repoContentsUrl: z => z.string().describe('file:// URL from publish:local-git'),
        catalogInfoPath: z => z.string().default('/catalog-info.yaml'),
      },
      output: {
        entityRef: z => z.string(),
        catalogInfoUrl: z => z.string(),
      },
    },
    async handler(ctx) {
      const { repoContentsUrl, catalogInfoPath } = ctx.input;
      if (!repoContentsUrl.startsWith('file://')) {
        throw new InputError(`repoContentsUrl must be a file:// URL, got ${repoContentsUrl}`);
      }
      const repoDir = resolve(fileURLToPath(repoContentsUrl));
      if (!repoDir.startsWith(`${baseDir}/`)) {
        throw new InputError(`${repoDir} is not under ${baseDir}`);
      }
      const target = join(repoDir, catalogInfoPath);
      // in a dry run nothing was published: read the file from the workspace instead
      const source = ctx.isDryRun ? join(ctx.workspacePath, catalogInfoPath) : target;
      const entityRef = firstEntityRef(await readFile(source, 'utf8'));
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoUrl', `file://${target}`);
      if (ctx.isDryRun) return;

      const credentials = await ctx.getInitiatorCredentials();
      const existing = await options.catalog.getEntityByRef(entityRef, { credentials });
      if (existing) {
        throw new InputError(`${entityRef} already exists in the catalog; choose another name`);
      }
      await options.catalog.addLocation({ type: 'file', target }, { credentials });
      ctx.logger.info(`registered ${entityRef} from ${target}`);
    },
  });
}

export const ASSERT_NAME_FREE_ACTION_ID = 'catalog:assert-name-free';

/** Fails a task before anything is published when the entity name is already taken in the catalog. */
export function createAssertNameFreeAction(options: { catalog: CatalogService }) {
  return createTemplateAction({
    id: ASSERT_NAME_FREE_ACTION_ID,
    description: 'Fails when an entity with this ref already exists in the catalog',
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z => z.string().describe('e.g. component:default/wishlist-service'),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      if (await options.catalog.getEntityByRef(ctx.input.entityRef, { credentials })) {
        throw new InputError(`${ctx.input.entityRef} already exists in the catalog; choose another name`);
      }
    },
  });
}
