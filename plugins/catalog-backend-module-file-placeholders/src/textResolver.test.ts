import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlaceholderResolverParams } from '@backstage/plugin-catalog-node';
import { textResolver } from './textResolver';

describe('textResolver', () => {
  let dir: string;
  const params = (value: string, baseUrl: string): PlaceholderResolverParams => ({
    key: 'text',
    value,
    baseUrl,
    read: async url => Buffer.from(`read ${url}`),
    resolveUrl: (url, base) => new URL(url, base).toString(),
    emit: () => {},
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'placeholders-'));
    await mkdir(join(dir, 'apis'));
    await writeFile(join(dir, 'apis', 'user-api.openapi.yaml'), 'openapi: 3.1.0\n');
    await writeFile(join(dir, 'secret.txt'), 'outside');
  });

  it('reads a file relative to the entity file of a file location', async () => {
    const text = await textResolver(params('./apis/user-api.openapi.yaml', join(dir, 'apis.yaml')));
    expect(text).toBe('openapi: 3.1.0\n');
  });

  it('refuses paths that leave the directory of the entity file', async () => {
    await expect(
      textResolver(params('../secret.txt', join(dir, 'apis', 'apis.yaml'))),
    ).rejects.toThrow(/may only read files under/);
  });

  it('names the missing file', async () => {
    await expect(textResolver(params('./apis/nope.yaml', join(dir, 'apis.yaml')))).rejects.toThrow(
      /could not read .*nope\.yaml/,
    );
  });

  it('keeps URL locations on the URL reader', async () => {
    const text = await textResolver(params('./b.yaml', 'https://example.com/repo/a.yaml'));
    expect(text).toBe('read https://example.com/repo/b.yaml');
  });
});
