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

/** Evaluated in order; the first rule that decides wins; anything undecided is denied. */
export const platformRules: PolicyRule[] = [
  platformAdminsMayDoAnything,
  ...modelRegistryRules,
  everyoneMayRead,
  engineersMayRegisterServices,
  ownersMayActOnTheirEntities,
];
