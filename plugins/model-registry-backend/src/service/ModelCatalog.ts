import type { AuthService, BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { type Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { MLFLOW_MODEL_ANNOTATION, type ModelCatalogEntity } from '@internal/plugin-model-registry-common';

const ANNOTATION_KEY = `metadata.annotations.${MLFLOW_MODEL_ANNOTATION}`;

/** The Resource of type ml-model before any other entity naming the model (e.g. the service that serves it). */
function rank(entity: Entity): number {
  if (entity.kind.toLowerCase() === 'resource' && entity.spec?.type === 'ml-model') return 0;
  if (entity.kind.toLowerCase() === 'resource') return 1;
  return 2;
}

function toCatalogEntity(entity: Entity): ModelCatalogEntity {
  const namespace = entity.metadata.namespace ?? 'default';
  const owner = typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined;
  return {
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title ?? null,
    owner: owner ? stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: namespace })) : null,
  };
}

/**
 * Which catalog entity stands for a registered model: the one whose `platform.example.com/mlflow-model`
 * annotation names it. Its owner is the model's owner; the promote and rollback permissions are decided on it.
 */
export class ModelCatalog {
  constructor(private readonly deps: { catalog: CatalogService; auth: AuthService }) {}

  /** model name -> its entity, for every annotated entity */
  async all(): Promise<Map<string, ModelCatalogEntity>> {
    return this.lookup({ [ANNOTATION_KEY]: CATALOG_FILTER_EXISTS });
  }

  async forModel(model: string): Promise<ModelCatalogEntity | null> {
    return (await this.lookup({ [ANNOTATION_KEY]: model })).get(model) ?? null;
  }

  /**
   * The Component (or other entity) of a service Model tab, read with the caller's credentials (an entity the caller
   * may not see is not found): its ref, its name (the Prometheus `service` label) and the model it names.
   */
  async servingEntity(ref: string, credentials: BackstageCredentials): Promise<{ entityRef: string; name: string; model: string }> {
    let parsed: ReturnType<typeof parseEntityRef>;
    try {
      parsed = parseEntityRef(ref, { defaultKind: 'component', defaultNamespace: 'default' });
    } catch {
      throw new InputError(`not an entity ref: ${ref}`);
    }
    const entityRef = stringifyEntityRef(parsed);
    const entity = await this.deps.catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`no catalog entity ${entityRef}`);
    const model = entity.metadata.annotations?.[MLFLOW_MODEL_ANNOTATION];
    if (!model) throw new NotFoundError(`${entityRef} has no ${MLFLOW_MODEL_ANNOTATION} annotation: it serves no registered model`);
    return { entityRef, name: entity.metadata.name, model };
  }

  private async lookup(filter: Record<string, string | symbol>): Promise<Map<string, ModelCatalogEntity>> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const { items } = await this.deps.catalog.getEntities(
      { filter, fields: ['kind', 'metadata', 'spec.type', 'spec.owner'] },
      { credentials },
    );
    const byModel = new Map<string, Entity>();
    for (const entity of items) {
      const model = entity.metadata.annotations?.[MLFLOW_MODEL_ANNOTATION];
      if (!model) continue;
      const current = byModel.get(model);
      if (!current || rank(entity) < rank(current)) byModel.set(model, entity);
    }
    return new Map([...byModel].map(([model, entity]) => [model, toCatalogEntity(entity)]));
  }
}
