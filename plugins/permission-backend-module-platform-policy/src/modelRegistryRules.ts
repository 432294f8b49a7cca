import { AuthorizeResult, isResourcePermission } from '@backstage/plugin-permission-common';
import { catalogConditions, createCatalogConditionalDecision } from '@backstage/plugin-catalog-backend/alpha';
import type { PolicyRule } from './rules';

/**
 * The model registry plugin's permissions (plugins/model-registry-common, docs/model-registry-plugin.md), by name:
 * this module does not depend on the plugin.
 */
export const MODEL_PROMOTE = 'model-registry.model.promote';
export const MODEL_ROLLBACK = 'model-registry.model.rollback';
export const MODEL_PROMOTE_OVERRIDE = 'model-registry.model.promote.override';

/**
 * Promoting a version and rolling back a model are for the members of the model's owning group: the permissions are
 * on the catalog entity that carries the model's `platform.example.com/mlflow-model` annotation (the Resource of
 * type ml-model, e.g. `resource:recommendation-ranker` owned by `group:personalization-team`), decided by the
 * catalog as an ownership condition. Guests own nothing and get nothing here.
 */
export const modelOwnersMayPromoteAndRollBack: PolicyRule = (request, user) =>
  (request.permission.name === MODEL_PROMOTE || request.permission.name === MODEL_ROLLBACK) &&
  isResourcePermission(request.permission, 'catalog-entity')
    ? createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims: user?.info.ownershipEntityRefs ?? [] }),
      )
    : undefined;

/**
 * Promoting a version whose offline metric is below the champion's: nobody, explicitly (platform admins are allowed
 * by the rule before this one). Listed before any broader rule so that none can grant it by accident.
 */
export const nobodyMayOverridePromotions: PolicyRule = request =>
  request.permission.name === MODEL_PROMOTE_OVERRIDE ? { result: AuthorizeResult.DENY } : undefined;

export const modelRegistryRules: PolicyRule[] = [nobodyMayOverridePromotions, modelOwnersMayPromoteAndRollBack];
