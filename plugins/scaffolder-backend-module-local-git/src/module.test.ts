import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import localGitFeatures from './index';

async function backendWith(localGit: { enabled?: boolean; baseDir?: string }) {
  const { server } = await startTestBackend({
    features: [
      catalogPlugin,
      scaffolderPlugin,
      localGitFeatures,
      mockServices.rootConfig.factory({ data: { scaffolder: { localGit } } }),
    ],
  });
  return server;
}

async function actionIds(server: Awaited<ReturnType<typeof backendWith>>) {
  const res = await request(server).get('/api/scaffolder/v2/actions').set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  return (res.body as { id: string }[]).map(a => a.id);
}

async function addFileLocation(server: Awaited<ReturnType<typeof backendWith>>) {
  const dir = await mkdtemp(join(tmpdir(), 'local-git-module-'));
  const target = join(dir, 'catalog-info.yaml');
  await writeFile(target, 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: probe}\nspec: {}\n');
  return request(server)
    .post('/api/catalog/locations')
    .set('Authorization', mockCredentials.user.header())
    .send({ type: 'file', target });
}

describe('scaffolder-backend-module-local-git configuration', () => {
  it('leaves local publishing and file locations off unless scaffolder.localGit.enabled is true', async () => {
    const server = await backendWith({});
    const ids = await actionIds(server);
    expect(ids).toContain('catalog:assert-name-free');
    expect(ids).not.toContain('publish:local-git');
    expect(ids).not.toContain('catalog:register-local');
    const res = await addFileLocation(server);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Registered locations must be of an allowed type ["url"]');
  });

  it('adds the local actions and accepts file locations when enabled', async () => {
    const server = await backendWith({ enabled: true, baseDir: await mkdtemp(join(tmpdir(), 'repos-')) });
    expect(await actionIds(server)).toEqual(
      expect.arrayContaining(['catalog:assert-name-free', 'publish:local-git', 'catalog:register-local']),
    );
    expect((await addFileLocation(server)).status).toBe(201);
  });
});
