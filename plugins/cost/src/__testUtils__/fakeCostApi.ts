import type { CostAlert, CostApi, CostSummary } from '@internal/plugin-cost-common';

export const summary: CostSummary = {
  month: '2026-11',
  currency: 'USD',
  asOf: '2026-11-23',
  daysElapsed: 23,
  daysInMonth: 30,
  monthToDate: 401.25,
  budget: 500,
  forecast: 521.5,
  forecastMethod: 'trailing-7-day-mean-with-28-day-weekday-factors',
  budgetUsedRatio: 0.8025,
  forecastOverBudget: true,
  byCloud: [
    { key: 'aws', amount: 200 },
    { key: 'azure', amount: 170 },
    { key: 'gcp', amount: 31.25 },
  ],
  byService: [{ key: 'recommendation-service', amount: 90.5, forecast: 118.75 }],
};

export function alert(overrides: Partial<CostAlert>): CostAlert {
  return {
    id: '7d1c6a9e-8f43-4d55-9b2a-0c1e2f3a4b5c',
    kind: 'day-over-day',
    severity: 'critical',
    status: 'open',
    service: 'analytics-service',
    message: 'analytics-service cost $5.80 on 2026-11-14, 300% more than the day before ($1.45); threshold 50%',
    periodStart: '2026-11-14',
    periodEnd: '2026-11-14',
    amount: 5.8,
    baseline: 1.45,
    change: 3,
    threshold: 0.5,
    acknowledgedBy: null,
    acknowledgedAt: null,
    snoozedUntil: null,
    createdAt: '2026-11-23T08:00:00.000Z',
    updatedAt: '2026-11-23T08:00:00.000Z',
    ...overrides,
  };
}

/** An in-memory CostApi with fixed figures; records the calls the components make. */
export function createFakeCostApi(alerts: CostAlert[] = [alert({})]) {
  const state = { alerts: [...alerts] };
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const record = (method: string, args: unknown[]) => calls.push({ method, args });
  const api: CostApi = {
    async getSummary(...args) {
      record('getSummary', args);
      return summary;
    },
    async getCosts(query) {
      record('getCosts', [query]);
      // The 90-day platform total, else the 30-day one (the page's default period).
      const total = query.from === '2026-08-26' ? 1450.4 : 482.17;
      return { ...query, currency: 'USD', total, groups: [{ key: 'recommendation-service', amount: 101.5 }] };
    },
    async getDailyCosts(query) {
      record('getDailyCosts', [query]);
      const days = [
        { day: query.to, total: 4.35, groups: [{ key: 'azure', amount: 4.35 }] },
      ];
      return { ...query, currency: 'USD', keys: ['azure'], total: query.service ? 362.6 : 4.35, days };
    },
    async getTopMovers(query) {
      record('getTopMovers', [query]);
      return {
        ...query,
        previousFrom: '2026-09-25',
        previousTo: '2026-10-24',
        currency: 'USD',
        items: [{ service: 'recommendation-service', current: 101.5, previous: 88.2, change: 13.3, changeRatio: 0.1508 }],
      };
    },
    async getUnitCost(query) {
      record('getUnitCost', [query]);
      return { ...query, currency: 'USD', cost: 482.17, orders: { available: false, reason: 'ORDERS_DATABASE_URL is not configured' }, costPer1000Orders: null };
    },
    async listAlerts(query = {}) {
      record('listAlerts', [query]);
      return state.alerts.filter(a => (!query.status || a.status === query.status) && (!query.service || a.service === query.service));
    },
    async acknowledgeAlert(id) {
      record('acknowledgeAlert', [id]);
      const found = state.alerts.find(a => a.id === id)!;
      found.status = 'acknowledged';
      found.acknowledgedBy = 'user:default/guest';
      return found;
    },
    async snoozeAlert(id, until) {
      record('snoozeAlert', [id, until]);
      const found = state.alerts.find(a => a.id === id)!;
      found.status = 'snoozed';
      found.snoozedUntil = until.toISOString();
      return found;
    },
    async reopenAlert(id) {
      record('reopenAlert', [id]);
      const found = state.alerts.find(a => a.id === id)!;
      Object.assign(found, { status: 'open', snoozedUntil: null, acknowledgedBy: null, acknowledgedAt: null });
      return found;
    },
  };
  return { api, calls, state };
}
