import { createPermission } from '@backstage/plugin-permission-common';

/** Seeing costs, budgets, forecasts and alerts. The portal's policy lets everyone read. */
export const costReadPermission = createPermission({
  name: 'cost.read',
  attributes: { action: 'read' },
});

/**
 * Acknowledging or snoozing a cost alert. A basic permission, not one on catalog entities: the budget
 * alert belongs to the whole platform, not to an entity. The portal's policy grants it to platform admins.
 */
export const costAlertManagePermission = createPermission({
  name: 'cost.alert.manage',
  attributes: { action: 'update' },
});

export const costPermissions = [costReadPermission, costAlertManagePermission];
