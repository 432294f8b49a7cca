import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { alertsWithoutRunbookSection, metricsQueriedBy } from '@platform/service-kit/testing';
import { ANALYTICS_METRICS } from './metrics';
import { FLINK_METRICS } from './flink/FlinkJob';

const repo = path.resolve(__dirname, '../../..');
const rulesFile = path.join(repo, 'infra/prometheus/rules/analytics.rules.yaml');
const dashboard = path.join(repo, 'infra/grafana/dashboards/analytics.json');

describe("the analytics service's dashboard and alert rules", () => {
  it('pass promtool', () => {
    expect(() => execFileSync('promtool', ['check', 'rules', rulesFile], { stdio: 'pipe' })).not.toThrow();
  });

  it('use only metrics the service defines, and every KPI it defines', () => {
    const names = new Set<string>([...Object.values(ANALYTICS_METRICS), ...Object.values(FLINK_METRICS)]);
    const used = metricsQueriedBy({ dashboard, rules: rulesFile });
    expect(used.filter(name => !names.has(name))).toEqual([]);
    expect(Object.values(ANALYTICS_METRICS).filter(name => !used.includes(name))).toEqual([]);
  });

  it('link every alert to a runbook section that exists', () => {
    const runbook = alertsWithoutRunbookSection(rulesFile, path.join(repo, 'docs/analytics.md'), 'docs/analytics.md');
    expect(runbook.alerts).toBe(3);
    expect(runbook.linked).toBe(runbook.alerts);
    expect(runbook.missing).toEqual([]);
  });
});
