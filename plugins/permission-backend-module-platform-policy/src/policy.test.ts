import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
} from '@backstage/plugin-catalog-common/alpha';
import { PlatformPermissionPolicy } from './policy';
import { PLATFORM_ADMINS } from './rules';

function userOwning(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    identity: {
      type: 'user',
      userEntityRef: ownershipEntityRefs[0],
      ownershipEntityRefs,
    },
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    token: 'token',
    credentials: {} as PolicyQueryUser['credentials'],
  } as PolicyQueryUser;
}

describe('PlatformPermissionPolicy', () => {
  const policy = new PlatformPermissionPolicy();
  const engineer = userOwning('user:default/ada', 'group:default/team-storefront');

  it('lets everyone read catalog entities', async () => {
    const decision = await policy.handle({ permission: catalogEntityReadPermission }, engineer);
    expect(decision).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets only owners delete or refresh an entity, as a catalog condition on ownership', async () => {
    for (const permission of [catalogEntityDeletePermission, catalogEntityRefreshPermission]) {
      const decision = await policy.handle({ permission }, engineer);
      expect(decision).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          params: { claims: ['user:default/ada', 'group:default/team-storefront'] },
        },
      });
    }
  });

  it('lets platform admins do anything', async () => {
    const admin = userOwning('user:default/guest', PLATFORM_ADMINS);
    const decision = await policy.handle({ permission: catalogEntityDeletePermission }, admin);
    expect(decision).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("lets only members of an experiment's owner group manage it, as a condition the experiments backend applies", async () => {
    const manage = createPermission({
      name: 'experiments.experiment.manage',
      attributes: { action: 'update' },
      resourceType: 'experiment',
    });
    const decision = await policy.handle({ permission: manage }, engineer);
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'experiments',
      resourceType: 'experiment',
      conditions: {
        rule: 'IS_EXPERIMENT_OWNER',
        resourceType: 'experiment',
        params: { claims: ['user:default/ada', 'group:default/team-storefront'] },
      },
    });
    const read = createPermission({ name: 'experiments.experiment.read', attributes: { action: 'read' } });
    expect(await policy.handle({ permission: read }, engineer)).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies actions no rule grants', async () => {
    const permission = createPermission({ name: 'cost.budget.update', attributes: { action: 'update' } });
    const decision = await policy.handle({ permission }, engineer);
    expect(decision).toEqual({ result: AuthorizeResult.DENY });
  });
});
