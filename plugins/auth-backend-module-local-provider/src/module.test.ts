import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { decodeJwt } from 'jose';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import { authModuleLocalProvider } from './module';

// Two people of the demo organisation (catalog-info/org.yaml): one owns the model experiment, one does not.
const catalog = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'priya.natarajan', namespace: 'default' },
    spec: { profile: { displayName: 'Priya Natarajan' }, memberOf: ['personalization-team'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/personalization-team' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'maria.gonzalez', namespace: 'default' },
    spec: { profile: { displayName: 'Maria Gonzalez' }, memberOf: ['storefront-team'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/storefront-team' }],
  },
];

async function portal(local: JsonObject) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      authModuleLocalProvider,
      catalogServiceMock.factory({ entities: catalog }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: {
            session: { secret: 'test' },
            providers: { local },
          },
        },
      }),
    ],
  });
  return server;
}

const refresh = (server: Parameters<typeof request>[0], user?: string) => {
  const call = request(server).get('/api/auth/local/refresh').set('X-Requested-With', 'XMLHttpRequest');
  return user === undefined ? call : call.set('x-platform-local-user', user);
};

describe('the local sign-in provider', () => {
  const listed = {
    dangerouslyAllowOutsideDevelopment: true,
    users: [{ userEntityRef: 'user:default/priya.natarajan' }, { userEntityRef: 'maria.gonzalez' }],
  };

  it("signs in as the listed catalog user, with that user's own memberships as ownership claims", async () => {
    const server = await portal(listed);
    const owner = await refresh(server, 'user:default/priya.natarajan');
    expect(owner.status).toBe(200);
    expect(owner.body.backstageIdentity.identity).toEqual({
      type: 'user',
      userEntityRef: 'user:default/priya.natarajan',
      ownershipEntityRefs: expect.arrayContaining(['user:default/priya.natarajan', 'group:default/personalization-team']),
    });
    const claims = decodeJwt(owner.body.backstageIdentity.token);
    expect(claims.sub).toBe('user:default/priya.natarajan');
    expect(owner.body.backstageIdentity.identity.ownershipEntityRefs).not.toContain('group:default/platform-admins');

    // a short reference in the list and in the header means the same user
    const member = await refresh(server, 'maria.gonzalez');
    expect(member.status).toBe(200);
    expect(member.body.backstageIdentity.identity.ownershipEntityRefs).toEqual(
      expect.arrayContaining(['user:default/maria.gonzalez', 'group:default/storefront-team']),
    );
    expect(member.body.backstageIdentity.identity.ownershipEntityRefs).not.toContain('group:default/personalization-team');
  });

  it('refuses a user who is not listed, a missing header and a reference that is not a user', async () => {
    const server = await portal(listed);
    expect((await refresh(server, 'user:default/kenji.tanaka')).status).toBe(401);
    expect((await refresh(server)).status).toBe(401);
    expect((await refresh(server, 'group:default/personalization-team')).status).toBe(401);
  });

  it('is off outside development unless the operator says otherwise', async () => {
    const server = await portal({ users: listed.users });
    const answer = await refresh(server, 'user:default/priya.natarajan');
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toMatch(/dangerouslyAllowOutsideDevelopment/);
  });
});
