import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { PreparerBase } from '@backstage/plugin-techdocs-node';
import { LocalCopyPreparer } from './LocalCopyPreparer';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map(e => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('LocalCopyPreparer', () => {
  let scratch: string;
  let repo: string;
  const delegated: Entity[] = [];
  const delegate: PreparerBase = {
    shouldCleanPreparedDirectory: () => true,
    prepare: async entity => {
      delegated.push(entity);
      return { preparedDir: '/from-the-url-reader', etag: 'e1' };
    },
  };
  const preparer = () =>
    new LocalCopyPreparer({
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      delegate,
      workingDirectory: path.join(scratch, 'work'),
    });
  const entity = (location: string, ref: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'platform-handbook',
      annotations: { 'backstage.io/managed-by-location': location, 'backstage.io/techdocs-ref': ref },
    },
    spec: {},
  });

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'techdocs-preparer-'));
    repo = path.join(scratch, 'repo');
    await fs.mkdir(path.join(scratch, 'work'));
    for (const [file, text] of Object.entries({
      'mkdocs.yml': 'site_name: handbook\n',
      'catalog-info.yaml': 'kind: Component\n',
      'docs/index.md': '# Handbook\n',
      'services/user/README.md': '# user-service\n',
      'services/user/node_modules/dep/index.js': 'module.exports = 1;\n',
      'node_modules/left-pad/index.js': 'module.exports = 1;\n',
      '.state/python/bin/activate': '#\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
    })) {
      await fs.mkdir(path.dirname(path.join(repo, file)), { recursive: true });
      await fs.writeFile(path.join(repo, file), text);
    }
    // a venv's interpreter, a workspace link: symbolic links that leave the folder
    await fs.symlink('/usr/bin/env', path.join(repo, 'docs', 'python'));
  });

  afterAll(async () => {
    await fs.rm(scratch, { recursive: true, force: true });
  });

  it('copies the folder without dependencies, local state, version control and symbolic links', async () => {
    const handbook = entity(`file:${path.join(repo, 'catalog-info.yaml')}`, 'dir:.');
    const { preparedDir, etag } = await preparer().prepare(handbook);

    expect(path.dirname(preparedDir)).toBe(await fs.realpath(path.join(scratch, 'work')));
    expect(etag).toMatch(/^[0-9a-f]{64}$/);
    expect(await filesUnder(preparedDir)).toEqual([
      'catalog-info.yaml',
      'docs',
      'docs/index.md',
      'mkdocs.yml',
      'services',
      'services/user',
      'services/user/README.md',
    ]);
    // a copy: the generator's patches of mkdocs.yml never reach the repository
    await fs.writeFile(path.join(preparedDir, 'mkdocs.yml'), 'site_name: patched\n');
    expect(await fs.readFile(path.join(repo, 'mkdocs.yml'), 'utf8')).toBe('site_name: handbook\n');
    expect(preparer().shouldCleanPreparedDirectory()).toBe(true);
  });

  it('answers NotModifiedError for an unchanged folder, and a new etag once a file changes', async () => {
    const handbook = entity(`file:${path.join(repo, 'catalog-info.yaml')}`, 'dir:.');
    const first = await preparer().prepare(handbook);
    await expect(preparer().prepare(handbook, { etag: first.etag })).rejects.toMatchObject({ name: 'NotModifiedError' });

    // what is never copied does not count
    await fs.writeFile(path.join(repo, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 2;\n');
    await expect(preparer().prepare(handbook, { etag: first.etag })).rejects.toMatchObject({ name: 'NotModifiedError' });

    await fs.writeFile(path.join(repo, 'docs', 'index.md'), '# Handbook\n\nA new page.\n');
    const second = await preparer().prepare(handbook, { etag: first.etag });
    expect(second.etag).not.toBe(first.etag);
    expect(await fs.readFile(path.join(second.preparedDir, 'docs', 'index.md'), 'utf8')).toContain('A new page.');
  });

  it('copies a sub-folder named relative to the entity file', async () => {
    const service = entity(`file:${path.join(repo, 'catalog-info.yaml')}`, 'dir:./services/user');
    const { preparedDir } = await preparer().prepare(service);
    expect(await filesUnder(preparedDir)).toEqual(['README.md']);
  });

  it('refuses a folder outside the entity file\'s folder, as Backstage does', async () => {
    const escaping = entity(`file:${path.join(repo, 'services', 'user', 'catalog-info.yaml')}`, 'dir:../../..');
    await expect(preparer().prepare(escaping)).rejects.toThrow(/outside/);
  });

  it('leaves a source beside an entity read from a URL to the delegate', async () => {
    const remote = entity('url:https://github.com/acme/shop/blob/main/catalog-info.yaml', 'dir:.');
    await expect(preparer().prepare(remote)).resolves.toEqual({ preparedDir: '/from-the-url-reader', etag: 'e1' });
    expect(delegated).toEqual([remote]);
  });
});
