import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityCreatePermission, catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import { modelRegistryRules } from './modelRegistryRules';

/**
 * One rule of the portal's policy: returns a decision when it applies, undefined to pass to the next rule.
 * Plugins extend the policy by adding a rule to `platformRules` (see docs/portal.md, "Permissions").
 */
export type PolicyRule = (
  request: PolicyQuery,
  user: PolicyQueryUser | undefined,
) => PolicyDecision | undefined;

/** The group whose members may do anything in the portal. */
export const PLATFORM_ADMINS = 'group:default/platform-admins';

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };

export const platformAdminsMayDoAnything: PolicyRule = (_request, user) =>
  user?.info.ownershipEntityRefs.includes(PLATFORM_ADMINS) ? allow : undefined;

export const everyoneMayRead: PolicyRule = request =>
  request.permission.attributes.action === 'read' ? allow : undefined;

/** Registering a new service (scaffolder, catalog import) is open to every signed-in engineer. */
export const engineersMayRegisterServices: PolicyRule = (request, user) =>
  user &&
  (isPermission(request.permission, catalogEntityCreatePermission) ||
    isPermission(request.permission, catalogLocationCreatePermission) ||
    request.permission.name.startsWith('scaffolder.'))
    ? allow
    : undefined;

/** Any other action on a catalog entity (refresh, update, delete, plugin actions on it) is for its owners. */
export const ownersMayActOnTheirEntities: PolicyRule = (request, user) =>
  isResourcePermission(request.permission, 'catalog-entity')
    ? createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      )
    : undefined;

/**
 * Starting, ramping, stopping and concluding an experiment (`experiments.experiment.manage`, resource type
 * `experiment`, plugins/experiments-common) is for the members of the experiment's owner group: a condition on the
 * user's ownership refs that the experiments backend applies to the experiment's `owner`.
 */
export const experimentOwnersMayManageTheirExperiments: PolicyRule = (request, user) =>
  isResourcePermission(request.permission, 'experiment') && request.permission.name.startsWith('experiments.')
    ? {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'experiments',
        resourceType: 'experiment',
        conditions: {
          rule: 'IS_EXPERIMENT_OWNER',
          resourceType: 'experiment',
          params: { claims: user?.info.ownershipEntityRefs ?? [] },
        },
      }
    : undefined;

/** Evaluated in order; the first rule that decides wins; anything undecided is denied. */
export const platformRules: PolicyRule[] = [
  platformAdminsMayDoAnything,
  ...modelRegistryRules,
  everyoneMayRead,
  engineersMayRegisterServices,
  ownersMayActOnTheirEntities,
  experimentOwnersMayManageTheirExperiments,
];
