import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { eventMetrics } from '@platform/event-tracking-service';
import { KAFKA_CONSUMER_METRICS } from '@platform/service-kit';
import { createLakeMetrics } from './sink/metrics';

const repo = path.resolve(__dirname, '../../..');
const dashboardFile = path.join(repo, 'infra/grafana/dashboards/data-plane.json');
const rulesFile = path.join(repo, 'infra/prometheus/rules/data-plane.rules.yaml');

/** The metric names the data plane's processes register, read from their real registries. */
async function registeredNames(): Promise<Set<string>> {
  const registry = new Registry();
  eventMetrics(registry);
  createLakeMetrics(registry, { oldestBufferedAt: () => undefined, bufferedRows: () => 0 });
  const names = (await registry.getMetricsAsJSON()).map(m => m.name);
  return new Set([...names, ...Object.values(KAFKA_CONSUMER_METRICS)]);
}

/** Metric names in a PromQL expression: identifiers followed by `{`, `[` or `)`, minus functions and labels. */
function metricsIn(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}').replace(/\b(by|without)\s*\([^)]*\)/g, '');
  const candidates = withoutLabels.match(/[a-z_][a-z0-9_]*(?=\s*[{[)])/g) ?? [];
  return candidates.filter(name => name.includes('_')).map(name => name.replace(/_(bucket|sum|count)$/, ''));
}

describe('the data-plane dashboard and alert rules', () => {
  it('pass promtool', () => {
    expect(() => execFileSync('promtool', ['check', 'rules', rulesFile], { stdio: 'pipe' })).not.toThrow();
  });

  it('use only metrics the event service, the kit consumers and the lake sink register', async () => {
    const names = await registeredNames();
    const dashboard = JSON.parse(fs.readFileSync(dashboardFile, 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const rules = fs.readFileSync(rulesFile, 'utf8');
    const exprs = [
      ...dashboard.panels.flatMap(panel => panel.targets.map(target => target.expr)),
      ...[...rules.matchAll(/^\s+expr: (.+)$/gm)].map(match => match[1]),
    ];
    const used = exprs.flatMap(metricsIn);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter(name => !names.has(name))).toEqual([]);
  });

  it('link every alert to a runbook section that exists', () => {
    const runbook = fs.readFileSync(path.join(repo, 'docs/data-plane-runbook.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^## (\S+)/gm)].map(match => match[1].toLowerCase()));
    const links = [...fs.readFileSync(rulesFile, 'utf8').matchAll(/runbook_url: docs\/data-plane-runbook\.md#(\S+)/g)].map(m => m[1]);
    expect(links.length).toBe([...fs.readFileSync(rulesFile, 'utf8').matchAll(/- alert:/g)].length);
    expect(links.filter(anchor => !anchors.has(anchor))).toEqual([]);
  });
});
