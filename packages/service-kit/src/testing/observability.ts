import fs from 'node:fs';

/** Metric names in a PromQL expression: identifiers followed by `{`, `[` or `)`, minus functions and labels. */
export function metricsIn(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}').replace(/\b(by|without)\s*\([^)]*\)/g, '');
  const candidates = withoutLabels.match(/[a-z_][a-z0-9_]*(?=\s*[{[)])/g) ?? [];
  return candidates.filter(name => name.includes('_')).map(name => name.replace(/_(bucket|sum|count)$/, ''));
}

/** Every metric a Grafana dashboard's panels and a Prometheus rules file query. */
export function metricsQueriedBy(files: { dashboard?: string; rules: string }): string[] {
  const dashboard = files.dashboard
    ? (JSON.parse(fs.readFileSync(files.dashboard, 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> })
    : { panels: [] };
  const rules = fs.readFileSync(files.rules, 'utf8');
  return [
    ...dashboard.panels.flatMap(panel => panel.targets.map(target => target.expr)),
    ...[...rules.matchAll(/^\s+expr: (.+)$/gm)].map(match => match[1]),
  ].flatMap(metricsIn);
}

/** Alerts of a rules file whose `runbook_url: <runbook>#<anchor>` names no `## <Heading>` of the runbook. */
export function alertsWithoutRunbookSection(rulesFile: string, runbookFile: string, runbookPath: string) {
  const rules = fs.readFileSync(rulesFile, 'utf8');
  const runbook = fs.readFileSync(runbookFile, 'utf8');
  const anchors = new Set([...runbook.matchAll(/^## (\S+)/gm)].map(match => match[1].toLowerCase()));
  const escaped = runbookPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const links = [...rules.matchAll(new RegExp(`runbook_url: ${escaped}#(\\S+)`, 'g'))].map(m => m[1]);
  const alerts = [...rules.matchAll(/- alert:/g)].length;
  return { alerts, linked: links.length, missing: links.filter(anchor => !anchors.has(anchor)) };
}
