import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  modelPromoteOverridePermission,
  modelPromotePermission,
  modelReadPermission,
  modelRegistryPermissions,
  modelRollbackPermission,
} from './permissions';

describe('model registry permissions', () => {
  it('reads as a basic read, promotes and rolls back on the catalog entity, overrides as a basic update', () => {
    expect(modelReadPermission).toMatchObject({ type: 'basic', name: 'model-registry.model.read', attributes: { action: 'read' } });
    for (const permission of [modelPromotePermission, modelRollbackPermission]) {
      expect(isResourcePermission(permission, 'catalog-entity')).toBe(true);
      expect(permission.attributes.action).toBe('update');
    }
    expect(modelPromotePermission.name).toBe('model-registry.model.promote');
    expect(modelRollbackPermission.name).toBe('model-registry.model.rollback');
    expect(modelPromoteOverridePermission).toMatchObject({
      type: 'basic',
      name: 'model-registry.model.promote.override',
      attributes: { action: 'update' },
    });
    expect(new Set(modelRegistryPermissions.map(p => p.name)).size).toBe(4);
  });
});
