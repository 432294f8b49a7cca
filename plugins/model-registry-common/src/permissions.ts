import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/** Seeing the registered models, their versions, metrics and alias history. The portal's policy lets everyone read. */
export const modelReadPermission = createPermission({
  name: 'model-registry.model.read',
  attributes: { action: 'read' },
});

/**
 * Promoting a version to `champion`. A permission on the catalog entity that carries the model's
 * `platform.example.com/mlflow-model` annotation (the Resource of type `ml-model`): the portal's policy grants it
 * to that entity's owners as a catalog ownership condition, and to platform admins.
 */
export const modelPromotePermission = createPermission({
  name: 'model-registry.model.promote',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Rolling `champion` back to `previous-champion`; granted like promote (the model entity's owners, admins). */
export const modelRollbackPermission = createPermission({
  name: 'model-registry.model.rollback',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Promoting a version whose offline `model_recall_at_20` is below the champion's (otherwise refused). A basic
 * permission, on purpose not one on the entity: owning the model is not enough. The policy grants it to platform
 * admins only.
 */
export const modelPromoteOverridePermission = createPermission({
  name: 'model-registry.model.promote.override',
  attributes: { action: 'update' },
});

export const modelRegistryPermissions = [
  modelReadPermission,
  modelPromotePermission,
  modelRollbackPermission,
  modelPromoteOverridePermission,
];
