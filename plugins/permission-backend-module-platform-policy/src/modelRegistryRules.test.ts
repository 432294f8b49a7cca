import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { PlatformPermissionPolicy } from './policy';
import { PLATFORM_ADMINS } from './rules';

// The model registry plugin's permissions as plugins/model-registry-common defines them.
const read = createPermission({ name: 'model-registry.model.read', attributes: { action: 'read' } });
const promote = createPermission({ name: 'model-registry.model.promote', attributes: { action: 'update' }, resourceType: 'catalog-entity' });
const rollback = createPermission({ name: 'model-registry.model.rollback', attributes: { action: 'update' }, resourceType: 'catalog-entity' });
const override = createPermission({ name: 'model-registry.model.promote.override', attributes: { action: 'update' } });

function userOwning(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    identity: { type: 'user', userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    token: 'token',
    credentials: {} as PolicyQueryUser['credentials'],
  } as PolicyQueryUser;
}

describe('PlatformPermissionPolicy for the model registry', () => {
  const policy = new PlatformPermissionPolicy();
  const member = userOwning('user:default/priya.natarajan', 'group:default/personalization-team');
  const guest = userOwning('user:default/guest');
  const admin = userOwning('user:default/ops', PLATFORM_ADMINS);

  it('lets everyone read the models', async () => {
    expect(await policy.handle({ permission: read }, guest)).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("lets promote and roll back only the owners of the model's catalog entity, as a catalog ownership condition", async () => {
    for (const permission of [promote, rollback]) {
      expect(await policy.handle({ permission }, member)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: ['user:default/priya.natarajan', 'group:default/personalization-team'] },
        },
      });
      // a guest's claims are only itself: the condition cannot match a group-owned model
      expect(await policy.handle({ permission }, guest)).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: { params: { claims: ['user:default/guest'] } },
      });
    }
  });

  it('grants the override to nobody but platform admins, not even to the owners', async () => {
    expect(await policy.handle({ permission: override }, member)).toEqual({ result: AuthorizeResult.DENY });
    expect(await policy.handle({ permission: override }, guest)).toEqual({ result: AuthorizeResult.DENY });
    expect(await policy.handle({ permission: override }, admin)).toEqual({ result: AuthorizeResult.ALLOW });
    expect(await policy.handle({ permission: promote }, admin)).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
