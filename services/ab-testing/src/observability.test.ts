import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { alertsWithoutRunbookSection, metricsQueriedBy } from '@platform/service-kit/testing';
import { RESULTS_METRICS } from './results/ingest';
import { ROLLOUT_METRICS } from './rollout/RolloutController';

const repo = path.resolve(__dirname, '../../..');
const rulesFile = path.join(repo, 'infra/prometheus/rules/experiments.rules.yaml');

describe("the experiments' alert rules", () => {
  it('pass promtool', () => {
    expect(() => execFileSync('promtool', ['check', 'rules', rulesFile], { stdio: 'pipe' })).not.toThrow();
  });

  it('use only metrics the A/B testing service defines', () => {
    const names = new Set<string>([...Object.values(ROLLOUT_METRICS), ...Object.values(RESULTS_METRICS)]);
    const used = metricsQueriedBy({ rules: rulesFile });
    expect(used.length).toBeGreaterThanOrEqual(4);
    expect(used.filter(name => !names.has(name))).toEqual([]);
  });

  it('link every alert to a runbook section that exists', () => {
    const runbook = alertsWithoutRunbookSection(rulesFile, path.join(repo, 'docs/experiments-runbook.md'), 'docs/experiments-runbook.md');
    expect(runbook.alerts).toBeGreaterThan(0);
    expect(runbook.linked).toBe(runbook.alerts);
    expect(runbook.missing).toEqual([]);
  });
});
