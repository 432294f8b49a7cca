import { InputError } from '@backstage/errors';
import { createTemplateAction, getRepoSourceDirectory } from '@backstage/plugin-scaffolder-node';
import { execFile } from 'node:child_process';
import { cp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const LOCAL_GIT_ACTION_ID = 'publish:local-git';

const run = promisify(execFile);

/**
 * Publishes the workspace as a new git repository under `baseDir`: the offline counterpart of publish:github,
 * so templates can be run and tested on machines without a git host. An existing repository is never touched.
 */
export function createPublishLocalGitAction(options: { baseDir: string }) {
  const baseDir = resolve(options.baseDir);
  return createTemplateAction({
    id: LOCAL_GIT_ACTION_ID,
    description: `Publishes the workspace as a local git repository under ${baseDir}`,
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'kebab-case: lowercase letters, digits and single hyphens')
            .max(63)
            .describe('Name of the repository directory'),
        defaultBranch: z => z.string().optional().describe('Branch of the initial commit'),
        description: z => z.string().optional().describe('Written to .git/description, as git hosts show it'),
        sourcePath: z => z.string().optional().describe('Part of the workspace to publish'),
        commitMessage: z => z.string().optional().describe('Defaults to "Initial commit from the service template"'),
      },
      output: {
        remoteUrl: z => z.string().describe('file:// URL of the repository'),
        repoContentsUrl: z => z.string().describe('file:// URL of the published contents'),
        commitHash: z => z.string().describe('Hash of the initial commit ("dry-run" in a dry run)'),
      },
    },
    async handler(ctx) {
      const { repoName, description, sourcePath } = ctx.input;
      // the scaffolder validates input with JSON schema, which does not fill in zod defaults
      const defaultBranch = ctx.input.defaultBranch ?? 'main';
      const commitMessage = ctx.input.commitMessage ?? 'Initial commit from the service template';
      const target = join(baseDir, repoName);
      if (!target.startsWith(`${baseDir}/`)) {
        throw new InputError(`repository name ${repoName} leaves ${baseDir}`);
      }
      if (await stat(target).catch(() => undefined)) {
        throw new InputError(`a repository named ${repoName} already exists in ${baseDir}`);
      }
      const url = pathToFileURL(target).toString();
      ctx.output('remoteUrl', url);
      ctx.output('repoContentsUrl', url);
      if (ctx.isDryRun) {
        ctx.logger.info(`dry run: would publish ${repoName} to ${target}`);
        ctx.output('commitHash', 'dry-run');
        return;
      }
      await mkdir(baseDir, { recursive: true });
      await cp(getRepoSourceDirectory(ctx.workspacePath, sourcePath), target, { recursive: true });
      try {
        const git = async (...args: string[]) =>
          (await run('git', ['-C', target, ...args], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } })).stdout.trim();
        await git('init', '--quiet', '--initial-branch', defaultBranch);
        if (description) await writeFile(join(target, '.git', 'description'), `${description}\n`);
        await git('add', '--all');
        await git(
          '-c', 'user.name=Platform Scaffolder',
          '-c', 'user.email=scaffolder@platform.local',
          'commit', '--quiet', '--message', commitMessage,
        );
        const hash = await git('rev-parse', 'HEAD');
        ctx.output('commitHash', hash);
        ctx.logger.info(`published ${repoName} at ${target} (${hash})`);
      } catch (e) {
        // leave nothing half-published behind
        await rm(target, { recursive: true, force: true });
        throw e;
      }
    },
  });
}
