import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  EXPERIMENT_RESOURCE_TYPE,
  experimentManagePermission,
  experimentReadPermission,
  experimentsPermissions,
} from './permissions';

describe('experiments permissions', () => {
  it('reads with a basic read permission and manages one experiment with a resource-typed update permission', () => {
    expect(experimentReadPermission).toMatchObject({
      type: 'basic',
      name: 'experiments.experiment.read',
      attributes: { action: 'read' },
    });
    expect(experimentManagePermission).toMatchObject({
      type: 'resource',
      name: 'experiments.experiment.manage',
      attributes: { action: 'update' },
      resourceType: 'experiment',
    });
    expect(isResourcePermission(experimentManagePermission, EXPERIMENT_RESOURCE_TYPE)).toBe(true);
    expect(experimentsPermissions).toHaveLength(2);
  });
});
