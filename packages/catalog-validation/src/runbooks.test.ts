import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { findRepoRoot } from './repoRoot';

// Every alert rule the platform ships links its runbook (annotation runbook_url: <file>#<section>), relative to the
// folder that owns the rules: a service's folder for services/<dir>/deploy/alerts, the repository for infra/.
const repoRoot = findRepoRoot(__dirname);

/** Python-Markdown's toc slug (mkdocs, TechDocs): what a heading's anchor is. */
function slug(heading: string): string {
  return heading
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, '-');
}

function ruleFiles(): Array<{ file: string; base: string }> {
  const files: Array<{ file: string; base: string }> = [];
  for (const dir of fs.readdirSync(path.join(repoRoot, 'services'))) {
    const alerts = path.join(repoRoot, 'services', dir, 'deploy', 'alerts');
    if (!fs.existsSync(alerts)) continue;
    for (const name of fs.readdirSync(alerts)) files.push({ file: path.join(alerts, name), base: path.join(repoRoot, 'services', dir) });
  }
  const infra = path.join(repoRoot, 'infra', 'prometheus', 'rules');
  for (const name of fs.readdirSync(infra)) files.push({ file: path.join(infra, name), base: repoRoot });
  return files;
}

function alertsOf(file: string): Array<{ alert: string; runbook?: string }> {
  const doc = parse(fs.readFileSync(file, 'utf8')) as { groups: Array<{ rules: Array<Record<string, any>> }> };
  return doc.groups.flatMap(g => g.rules.filter(r => r.alert).map(r => ({ alert: r.alert, runbook: r.annotations?.runbook_url })));
}

function runbookProblem(base: string, runbook: string | undefined): string | undefined {
  if (!runbook) return 'no runbook_url';
  const [file, anchor] = runbook.split('#');
  const target = path.join(base, file);
  if (!fs.existsSync(target)) return `${runbook}: no such file`;
  if (!anchor) return `${runbook}: names no section`;
  const headings = [...fs.readFileSync(target, 'utf8').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map(m => slug(m[1]));
  return headings.includes(anchor) ? undefined : `${runbook}: no section #${anchor}`;
}

describe('runbooks', () => {
  it('every alert rule of the services and of infra/ links an existing runbook section', () => {
    const files = ruleFiles();
    // the twelve services' rules and the platform's own
    expect(files.filter(f => f.file.includes(`${path.sep}services${path.sep}`))).toHaveLength(12);
    const problems = files.flatMap(({ file, base }) =>
      alertsOf(file).flatMap(({ alert, runbook }) => {
        const problem = runbookProblem(base, runbook);
        return problem ? [`${path.relative(repoRoot, file)} ${alert}: ${problem}`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('finds a missing section, a missing file and a missing annotation', () => {
    const base = path.join(repoRoot, 'services', 'recommendation');
    expect(runbookProblem(base, 'docs/runbook.md#latencyp95high')).toBeUndefined();
    expect(runbookProblem(base, 'docs/runbook.md#nosuchalert')).toBe('docs/runbook.md#nosuchalert: no section #nosuchalert');
    expect(runbookProblem(base, 'docs/nope.md#x')).toBe('docs/nope.md#x: no such file');
    expect(runbookProblem(base, undefined)).toBe('no runbook_url');
  });

  it('slugs headings as mkdocs does', () => {
    expect(slug('ErrorBudgetBurnFast')).toBe('errorbudgetburnfast');
    expect(slug('Kafka consumer lag: high (page)')).toBe('kafka-consumer-lag-high-page');
  });
});
