import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { KAFKA_CONSUMER_METRICS } from '@platform/service-kit';
import {
  alertsWithoutRunbookSection,
  metricsQueriedBy,
} from '@platform/service-kit/testing';
import { NOTIFICATION_METRICS } from './metrics';

const repo = path.resolve(__dirname, '../../..');
const rulesFile = path.join(
  repo,
  'infra/prometheus/rules/notification.rules.yaml',
);
const dashboard = path.join(repo, 'infra/grafana/dashboards/notification.json');

describe("the notification service's dashboard and alert rules", () => {
  it('pass promtool', () => {
    expect(() =>
      execFileSync('promtool', ['check', 'rules', rulesFile], {
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('use only metrics the service defines', () => {
    const names = new Set<string>([
      ...Object.values(NOTIFICATION_METRICS),
      KAFKA_CONSUMER_METRICS.lag,
    ]);
    const used = metricsQueriedBy({ dashboard, rules: rulesFile });
    expect(used.length).toBeGreaterThanOrEqual(10);
    expect(used.filter(name => !names.has(name))).toEqual([]);
  });

  it('link every alert to a runbook section that exists', () => {
    const runbook = alertsWithoutRunbookSection(
      rulesFile,
      path.join(repo, 'docs/notification-service.md'),
      'docs/notification-service.md',
    );
    expect(runbook.alerts).toBe(6);
    expect(runbook.linked).toBe(runbook.alerts);
    expect(runbook.missing).toEqual([]);
  });
});
