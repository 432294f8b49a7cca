import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublishLocalGitAction } from './localGitAction';

describe('publish:local-git', () => {
  let baseDir: string;
  let workspacePath: string;

  beforeEach(async () => {
    baseDir = join(await mkdtemp(join(tmpdir(), 'local-git-')), 'repos');
    workspacePath = await mkdtemp(join(tmpdir(), 'workspace-'));
    await mkdir(join(workspacePath, 'src'));
    await writeFile(join(workspacePath, 'src', 'main.ts'), 'console.log("hello");\n');
    await writeFile(join(workspacePath, 'catalog-info.yaml'), 'kind: Component\n');
  });

  const context = (
    input: { repoName: string; defaultBranch?: string; commitMessage?: string; description?: string },
    isDryRun = false,
  ) => ({
    ...createMockActionContext({ input, workspacePath }),
    isDryRun,
  });

  it('commits the workspace to a new repository and outputs its URL and commit', async () => {
    const action = createPublishLocalGitAction({ baseDir });
    const ctx = context({ repoName: 'orders-service', defaultBranch: 'main', commitMessage: 'Initial commit' });
    await action.handler(ctx as never);

    const repo = join(baseDir, 'orders-service');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args]).toString().trim();
    expect(git('ls-files').split('\n').sort()).toEqual(['catalog-info.yaml', 'src/main.ts']);
    expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git('status', '--porcelain')).toBe('');
    expect(ctx.output).toHaveBeenCalledWith('remoteUrl', `file://${repo}`);
    expect(ctx.output).toHaveBeenCalledWith('commitHash', git('rev-parse', 'HEAD'));
    expect(await readFile(join(repo, 'src', 'main.ts'), 'utf8')).toContain('hello');
  });

  it('defaults the branch and message when the template gives neither, and keeps the description', async () => {
    const action = createPublishLocalGitAction({ baseDir });
    await action.handler(context({ repoName: 'cart-service', description: 'Shopping carts' }) as never);
    const repo = join(baseDir, 'cart-service');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args]).toString().trim();
    expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git('log', '--format=%s')).toBe('Initial commit from the service template');
    expect(await readFile(join(repo, '.git', 'description'), 'utf8')).toBe('Shopping carts\n');
  });

  it('refuses a name that is already taken and leaves that repository alone', async () => {
    const action = createPublishLocalGitAction({ baseDir });
    await action.handler(context({ repoName: 'taken', defaultBranch: 'main', commitMessage: 'first' }) as never);
    await writeFile(join(workspacePath, 'src', 'main.ts'), 'console.log("other");\n');
    await expect(
      action.handler(context({ repoName: 'taken', defaultBranch: 'main', commitMessage: 'second' }) as never),
    ).rejects.toThrow(/a repository named taken already exists/);
    expect(await readFile(join(baseDir, 'taken', 'src', 'main.ts'), 'utf8')).toContain('hello');
  });

  it('writes nothing in a dry run but still outputs where it would publish', async () => {
    const action = createPublishLocalGitAction({ baseDir });
    const ctx = context({ repoName: 'dry-service', defaultBranch: 'main', commitMessage: 'x' }, true);
    await action.handler(ctx as never);
    expect(existsSync(join(baseDir, 'dry-service'))).toBe(false);
    expect(ctx.output).toHaveBeenCalledWith('commitHash', 'dry-run');
    expect(ctx.output).toHaveBeenCalledWith('remoteUrl', `file://${join(baseDir, 'dry-service')}`);
  });

  it('declares dry-run support so template dry runs reach it', () => {
    expect(createPublishLocalGitAction({ baseDir }).supportsDryRun).toBe(true);
  });
});
