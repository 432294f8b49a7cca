import { isResourcePermission } from '@backstage/plugin-permission-common';
import { costAlertManagePermission, costPermissions, costReadPermission } from './permissions';

describe('cost permissions', () => {
  it('reads with a read action, manages alerts with an update action, both as basic permissions', () => {
    expect(costReadPermission).toMatchObject({ type: 'basic', name: 'cost.read', attributes: { action: 'read' } });
    expect(costAlertManagePermission).toMatchObject({ type: 'basic', name: 'cost.alert.manage', attributes: { action: 'update' } });
    expect(costPermissions.some(p => isResourcePermission(p))).toBe(false);
  });
});
