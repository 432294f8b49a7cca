import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Registry } from 'prom-client';
import { eventMetrics } from '@platform/event-tracking-service';
import { KAFKA_CONSUMER_METRICS } from '@platform/service-kit';
import { alertsWithoutRunbookSection, metricsQueriedBy } from '@platform/service-kit/testing';
import { createLakeMetrics } from './sink/metrics';

const repo = path.resolve(__dirname, '../../..');
const dashboardFile = path.join(repo, 'infra/grafana/dashboards/data-plane.json');
const rulesFile = path.join(repo, 'infra/prometheus/rules/data-plane.rules.yaml');

/** The metric names the data plane's processes register, read from their real registries. */
async function registeredNames(): Promise<Set<string>> {
  const registry = new Registry();
  eventMetrics(registry);
  createLakeMetrics(registry, { oldestBufferedAt: () => undefined, bufferedRows: () => 0, pastHourRows: () => 0 });
  const names = (await registry.getMetricsAsJSON()).map(m => m.name);
  return new Set([...names, ...Object.values(KAFKA_CONSUMER_METRICS)]);
}

describe('the data-plane dashboard and alert rules', () => {
  it('pass promtool', () => {
    expect(() => execFileSync('promtool', ['check', 'rules', rulesFile], { stdio: 'pipe' })).not.toThrow();
  });

  it('use only metrics the event service, the kit consumers and the lake sink register', async () => {
    const names = await registeredNames();
    const used = metricsQueriedBy({ dashboard: dashboardFile, rules: rulesFile });
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter(name => !names.has(name))).toEqual([]);
  });

  it('link every alert to a runbook section that exists', () => {
    const runbook = alertsWithoutRunbookSection(rulesFile, path.join(repo, 'docs/data-plane-runbook.md'), 'docs/data-plane-runbook.md');
    expect(runbook.linked).toBe(runbook.alerts);
    expect(runbook.missing).toEqual([]);
  });
});
