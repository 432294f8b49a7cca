import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import gitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { localGitModule } from '../module';

export const templatesDir = resolve(__dirname, '../../../../templates');

type DryRunFile = { path: string; base64Content: string };

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter(e => e.isFile()).map(e => relative(dir, join(e.parentPath, e.name)));
}

/** The template file and every part, as the dry-run API expects them (paths relative to the template). */
async function templateContents(templateFile: string): Promise<DryRunFile[]> {
  const paths = [templateFile, ...(await filesUnder(join(templatesDir, 'parts'))).map(p => `parts/${p}`)];
  return Promise.all(
    paths.map(async path => ({ path, base64Content: (await readFile(join(templatesDir, path))).toString('base64') })),
  );
}

export interface Rendered {
  files: Map<string, string>;
  output: { links: { title: string; url?: string; entityRef?: string }[] };
  log: { body: { stepId?: string; message: string } }[];
}

/**
 * A scaffolder backend (with the local-git, GitHub and GitLab actions and a catalog holding `user-service`) that
 * dry-runs one template of templates/ through `POST /api/scaffolder/v2/dry-run`.
 */
export async function startTemplateDryRun(templateFile: string) {
  const baseDir = await mkdtemp(join(tmpdir(), 'scaffolder-repos-'));
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      localGitModule,
      githubModule,
      gitlabModule,
      catalogServiceMock.factory({
        entities: [{ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'user-service' }, spec: {} }],
      }),
      mockServices.rootConfig.factory({ data: { scaffolder: { localGit: { enabled: true, baseDir } } } }),
    ],
  });
  const contents = await templateContents(templateFile);
  const template = parse(await readFile(join(templatesDir, templateFile), 'utf8'));

  async function dryRun(values: Record<string, unknown>) {
    return request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({ template, values, secrets: {}, directoryContents: contents });
  }

  async function render(values: Record<string, unknown>): Promise<Rendered> {
    const res = await dryRun(values);
    // the log and error name the failing step, which a bare status would hide
    if (res.status !== 200) throw new Error(`dry run failed (${res.status}): ${JSON.stringify(res.body).slice(0, 3000)}`);
    const files = new Map<string, string>(
      (res.body.directoryContents as DryRunFile[]).map(f => [f.path, Buffer.from(f.base64Content, 'base64').toString()]),
    );
    return { files, output: res.body.output, log: res.body.log };
  }

  /** the messages each step logged, by step id */
  function stepLogs(log: Rendered['log']) {
    const steps = new Map<string, string>();
    for (const { body } of log) {
      if (body.stepId) steps.set(body.stepId, `${steps.get(body.stepId) ?? ''}${body.message}\n`);
    }
    return steps;
  }

  return { template, dryRun, render, stepLogs };
}
