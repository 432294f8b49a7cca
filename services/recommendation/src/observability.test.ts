import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Registry } from 'prom-client';
import { HTTP_METRICS } from '@platform/service-kit';
import { alertsWithoutRunbookSection, metricsQueriedBy } from '@platform/service-kit/testing';
import { recommendationMetrics } from './metrics';

const repo = path.resolve(__dirname, '../../..');
const dashboardFile = path.join(repo, 'infra/grafana/dashboards/recommender.json');
const rulesFile = path.join(repo, 'infra/prometheus/rules/recommender.rules.yaml');

describe("the recommender's dashboard and alert rules", () => {
  it('pass promtool', () => {
    expect(() => execFileSync('promtool', ['check', 'rules', rulesFile], { stdio: 'pipe' })).not.toThrow();
  });

  it('use only metrics the recommendation service registers (its own and the kit HTTP metrics)', async () => {
    const registry = new Registry();
    recommendationMetrics(registry);
    const names = new Set([...(await registry.getMetricsAsJSON()).map(m => m.name), ...Object.values(HTTP_METRICS)]);
    const used = metricsQueriedBy({ dashboard: dashboardFile, rules: rulesFile });
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter(name => !names.has(name))).toEqual([]);
  });

  it('link every alert to a runbook section that exists', () => {
    const runbook = alertsWithoutRunbookSection(rulesFile, path.join(repo, 'docs/recommender-runbook.md'), 'docs/recommender-runbook.md');
    expect(runbook.alerts).toBeGreaterThan(0);
    expect(runbook.linked).toBe(runbook.alerts);
    expect(runbook.missing).toEqual([]);
  });
});
