import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { serviceNameProblem, serviceNameTakenMessage } from '@internal/plugin-scaffolder-common';
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
        catalogInfoPath: z => z.string().optional().describe('default /catalog-info.yaml'),
      },
      output: {
        entityRef: z => z.string(),
        catalogInfoUrl: z => z.string(),
      },
    },
    async handler(ctx) {
      // input defaults are not applied by the scaffolder's JSON-schema validation: set them here
      const { repoContentsUrl, catalogInfoPath = '/catalog-info.yaml' } = ctx.input;
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
        throw new InputError(serviceNameTakenMessage(entityRef));
      }
      await options.catalog.addLocation({ type: 'file', target }, { credentials });
      ctx.logger.info(`registered ${entityRef} from ${target}`);
    },
  });
}

export const ASSERT_NAME_FREE_ACTION_ID = 'catalog:assert-name-free';

/**
 * The task's first step: fails before anything is published when the name breaks the service-name rule or an
 * entity of that kind already has it. The form checks the same through the ServiceNamePicker field; this step
 * holds the line for tasks created through the API.
 */
export function createAssertNameFreeAction(options: { catalog: CatalogService }) {
  return createTemplateAction({
    id: ASSERT_NAME_FREE_ACTION_ID,
    description: 'Fails when the service name is malformed or already taken in the catalog',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('the new service name, e.g. wishlist-service'),
        kind: z => z.string().optional().describe('default Component'),
        namespace: z => z.string().optional().describe('default default'),
      },
      output: {
        entityRef: z => z.string(),
      },
    },
    async handler(ctx) {
      const { name, kind = 'Component', namespace = 'default' } = ctx.input;
      const problem = serviceNameProblem(name);
      if (problem) throw new InputError(`Service name ${JSON.stringify(name)}: ${problem}`);
      const entityRef = stringifyEntityRef({ kind, namespace, name });
      const credentials = await ctx.getInitiatorCredentials();
      if (await options.catalog.getEntityByRef(entityRef, { credentials })) {
        throw new InputError(serviceNameTakenMessage(entityRef));
      }
      ctx.output('entityRef', entityRef);
    },
  });
}
