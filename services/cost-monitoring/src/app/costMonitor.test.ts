import { addDays, monthStart } from '../domain/dates';
import { DATASET_STORY } from '../dataset/generateFocusDataset';
import { FocusFileRejectedError } from '../focus/importFocus';
import { createPostgresOrderCounter } from '../orders/orderCounter';
import type { CostSource } from '../sources/types';
import { CostStore } from '../store/costStore';
import { createTestDatabase } from '../__testUtils__/testDatabase';
import { CostMonitor } from './costMonitor';
import { InvalidQueryError } from './errors';
import { EMBEDDED_SOURCE, importEmbeddedDataset, pollSource } from './imports';

// each test that creates its own database and imports the dataset takes seconds on a loaded CI machine
jest.setTimeout(30_000);

const endDay = '2026-11-23';
const settings = {
  currency: 'USD',
  monthlyBudget: 500,
  allocationTagKey: 'cost-allocation',
  thresholds: {},
  alertLookbackDays: 30,
  maxPeriodDays: 366,
};

describe('CostMonitor on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: CostStore;
  let monitor: CostMonitor;
  let startupImports: unknown[];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new CostStore(db.pool);
    monitor = new CostMonitor(store, createPostgresOrderCounter(undefined), settings, () => new Date(`${endDay}T12:00:00Z`));
    // Two replicas starting together.
    startupImports = await Promise.all([
      importEmbeddedDataset(store, { ...monitor.focusOptions, endDay, days: 120 }),
      importEmbeddedDataset(store, { ...monitor.focusOptions, endDay, days: 120 }),
    ]);
    await monitor.evaluateAlerts();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('imports the embedded dataset once, as one recorded import', async () => {
    expect(startupImports.filter(Boolean)).toHaveLength(1);
    const imports = await monitor.listImports(10);
    expect(imports).toHaveLength(1);
    expect(imports[0]).toMatchObject({
      source: EMBEDDED_SOURCE,
      status: 'succeeded',
      periodStart: addDays(endDay, -119),
      periodEnd: endDay,
      sourceRows: 3120,
      rowsImported: 3120,
    });
    expect(await importEmbeddedDataset(store, { ...monitor.focusOptions, endDay, days: 120 })).toBeNull();
  });

  it('regenerates the embedded dataset when it ends before today, never over real billing data', async () => {
    const other = await createTestDatabase();
    try {
      const otherStore = new CostStore(other.pool);
      const options = { ...monitor.focusOptions, days: 120 };
      await importEmbeddedDataset(otherStore, { ...options, endDay });
      await new CostMonitor(otherStore, createPostgresOrderCounter(undefined), settings).evaluateAlerts();
      expect((await otherStore.listAlerts()).length).toBeGreaterThan(0);

      const later = await importEmbeddedDataset(otherStore, { ...options, endDay: '2026-11-26' });
      expect(later).toMatchObject({ periodStart: addDays('2026-11-26', -119), periodEnd: '2026-11-26', rowsImported: 3120 });
      expect(await otherStore.coverage()).toEqual({ first: addDays('2026-11-26', -119), last: '2026-11-26' });
      // Alerts of the replaced data go with it; the next evaluation derives the new ones.
      expect(await otherStore.listAlerts()).toEqual([]);
      expect(await importEmbeddedDataset(otherStore, { ...options, endDay: '2026-11-26' })).toBeNull();

      await otherStore.importBatch({
        source: 'aws-cost-explorer', format: 'aws-cost-explorer', sourceRows: 1, periodStart: '2026-11-26', periodEnd: '2026-11-26',
        rows: [{ day: '2026-11-26', service: 'user-service', cloud: 'aws', accountId: '1', category: 'Compute', providerService: 'AWS Lambda', chargeCategory: 'Usage', currency: 'USD', billedCost: 1, effectiveCost: 1 }],
      });
      expect(await importEmbeddedDataset(otherStore, { ...options, endDay: '2026-11-30' })).toBeNull();
    } finally {
      await other.drop();
    }
  });

  it('groups the same total by service, cloud, category and day', async () => {
    const period = { from: addDays(endDay, -89), to: endDay };
    const totals = await Promise.all(
      (['service', 'cloud', 'category', 'day'] as const).map(async groupBy => (await monitor.costs({ ...period, groupBy })).total),
    );
    expect(Math.abs(totals[0] - totals[1])).toBeLessThan(0.05);
    expect(Math.abs(totals[0] - totals[2])).toBeLessThan(0.05);
    expect(Math.abs(totals[0] - totals[3])).toBeLessThan(0.05);
    const byCloud = await monitor.costs({ ...period, groupBy: 'cloud' });
    expect(byCloud.groups.map(g => g.key).sort()).toEqual(['aws', 'azure', 'gcp']);
    const byDay = await monitor.costs({ ...period, groupBy: 'day' });
    expect(byDay.groups).toHaveLength(90);
    expect(byDay.groups[0].key).toBe(period.from);
  });

  it('rejects an unknown service and an inverted period', async () => {
    await expect(monitor.costs({ from: '2026-11-01', to: '2026-11-10', groupBy: 'day', service: 'no-such-service' })).rejects.toMatchObject({
      name: 'InvalidQueryError',
      errors: [{ parameter: 'service', message: 'unknown service no-such-service' }],
    });
    await expect(monitor.costs({ from: '2026-11-10', to: '2026-11-01', groupBy: 'day' })).rejects.toBeInstanceOf(InvalidQueryError);
  });

  it('stacks daily cost by cloud with every day of the period present', async () => {
    const daily = await monitor.dailyCosts({ from: '2026-11-20', to: '2026-11-25', stackBy: 'cloud' });
    expect(daily.keys).toEqual(['aws', 'azure', 'gcp']);
    expect(daily.days.map(d => d.day)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25']);
    expect(daily.days[5]).toEqual({ day: '2026-11-25', total: 0, groups: [] });
  });

  it('summarises month to date against the budget, consistent with the cost breakdown', async () => {
    const summary = await monitor.summary();
    const mtd = await monitor.costs({ from: monthStart(endDay), to: endDay, groupBy: 'cloud' });
    expect(summary).toMatchObject({ month: '2026-11', asOf: endDay, daysElapsed: 23, daysInMonth: 30, budget: 500 });
    expect(Math.abs(summary.monthToDate - mtd.total)).toBeLessThan(0.05);
    expect(summary.byCloud).toEqual(mtd.groups);
    expect(summary.forecast).toBeGreaterThan(summary.monthToDate);
    expect(summary.forecastOverBudget).toBe(summary.forecast > 500);
    await expect(monitor.summary('2025-01')).rejects.toBeInstanceOf(InvalidQueryError);
  });

  it('raises the anomaly alerts of the dataset story, and acknowledging removes one from the open list', async () => {
    const open = await monitor.listAlerts({ status: 'open' });
    const spikeDay = addDays(endDay, -DATASET_STORY.anomalyDaysBeforeEnd);
    const dayOverDay = open.find(a => a.key === `day-over-day:${DATASET_STORY.anomalyService}:${spikeDay}`);
    expect(dayOverDay).toMatchObject({ kind: 'day-over-day', service: 'analytics-service', severity: 'critical', status: 'open' });
    expect(open.some(a => a.kind === 'week-over-week' && a.service === 'analytics-service')).toBe(true);
    expect(open.filter(a => a.service === 'recommendation-service')).toEqual([]);

    const acknowledged = await monitor.acknowledgeAlert(dayOverDay!.id, 'user:default/guest');
    expect(acknowledged).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'user:default/guest' });
    expect((await monitor.listAlerts({ status: 'open' })).map(a => a.id)).not.toContain(dayOverDay!.id);

    // Re-evaluation refreshes conditions but keeps the acknowledgement.
    await monitor.evaluateAlerts();
    expect((await monitor.listAlerts({ status: 'acknowledged' })).map(a => a.id)).toContain(dayOverDay!.id);
    await expect(monitor.snoozeAlert(dayOverDay!.id, new Date('2026-11-25T00:00:00Z'))).rejects.toMatchObject({ name: 'AlertStateError' });
  });

  it('snoozes an alert until a future time, within 30 days', async () => {
    const [alert] = await monitor.listAlerts({ status: 'open' });
    await expect(monitor.snoozeAlert(alert.id, new Date('2026-11-22T00:00:00Z'))).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(monitor.snoozeAlert(alert.id, new Date('2027-01-22T00:00:00Z'))).rejects.toBeInstanceOf(InvalidQueryError);
    // The store compares with the database clock, so the snooze must lie in the real future too.
    const until = new Date(Math.max(Date.now(), Date.parse(`${endDay}T12:00:00Z`)) + 86_400_000);
    const fixedMonitor = new CostMonitor(store, createPostgresOrderCounter(undefined), settings, () => new Date(until.getTime() - 3_600_000));
    const snoozed = await fixedMonitor.snoozeAlert(alert.id, until);
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: until.toISOString() });
    expect((await monitor.listAlerts({ status: 'open' })).map(a => a.id)).not.toContain(alert.id);
    await expect(monitor.acknowledgeAlert('00000000-0000-4000-8000-000000000000', 'x')).rejects.toMatchObject({ name: 'AlertNotFoundError' });
  });

  it('rejects a FOCUS file with a malformed row and stores nothing of it', async () => {
    const before = await monitor.costs({ from: '2026-12-01', to: '2026-12-02', groupBy: 'service' });
    const csv = [
      'BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,ServiceName,ServiceCategory,SubAccountId,Tags',
      '1,1,USD,2026-12-01T00:00:00Z,2026-12-02T00:00:00Z,Usage,AWS,AWS Lambda,Compute,1,"{""cost-allocation"":""user-service""}"',
      '1,1,USD,2026-12-02T00:00:00Z,yesterday,Usage,AWS,AWS Lambda,Compute,1,"{""cost-allocation"":""user-service""}"',
    ].join('\n');
    await expect(monitor.importFocusFile(Buffer.from(csv), 'csv')).rejects.toBeInstanceOf(FocusFileRejectedError);
    expect(await monitor.costs({ from: '2026-12-01', to: '2026-12-02', groupBy: 'service' })).toEqual(before);
    const [latest] = await monitor.listImports(1);
    expect(latest).toMatchObject({ source: 'focus-upload', status: 'failed', rowsImported: 0 });
    expect(latest.error).toEqual([{ row: 2, line: 3, field: 'ChargePeriodEnd', message: expect.stringContaining('ISO 8601') }]);
  });

  it('imports a valid FOCUS upload and replaces it when imported again', async () => {
    const csv = [
      'BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,ServiceName,ServiceCategory,SubAccountId,Tags',
      '2.5,2,USD,2026-12-01T00:00:00Z,2026-12-02T00:00:00Z,Usage,AWS,AWS Lambda,Compute,1,"{""cost-allocation"":""user-service""}"',
    ].join('\n');
    await monitor.importFocusFile(Buffer.from(csv), 'csv');
    await monitor.importFocusFile(Buffer.from(csv), 'csv');
    const costs = await monitor.costs({ from: '2026-12-01', to: '2026-12-01', groupBy: 'service' });
    expect(costs.groups).toEqual([{ key: 'user-service', amount: 2 }]);
  });

  it('keeps a failing batch all-or-nothing', async () => {
    const row = {
      day: '2026-12-05', service: 'user-service', cloud: 'aws', accountId: '1', category: 'Compute',
      providerService: 'AWS Lambda', chargeCategory: 'Usage', currency: 'USD', billedCost: 1, effectiveCost: 1,
    };
    const importsBefore = (await monitor.listImports(100)).length;
    // The same key twice violates the primary key on the second insert of the one statement.
    await expect(
      store.importBatch({ source: 'focus-upload', format: 'focus-csv', rows: [row, row], sourceRows: 2, periodStart: '2026-12-05', periodEnd: '2026-12-05' }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await monitor.costs({ from: '2026-12-05', to: '2026-12-05', groupBy: 'service' })).groups).toEqual([]);
    expect(await monitor.listImports(100)).toHaveLength(importsBefore);
  });

  it('lists top movers against the previous period', async () => {
    const movers = await monitor.topMovers({ from: addDays(endDay, -13), to: endDay, limit: 3 });
    expect(movers.previousTo).toBe(addDays(endDay, -14));
    expect(movers.items).toHaveLength(3);
    expect(movers.items.map(m => m.service)).toContain(DATASET_STORY.growthService);
    expect(Math.abs(movers.items[0].change)).toBeGreaterThanOrEqual(Math.abs(movers.items[2].change));
  });

  it('says that cost per 1,000 orders is unavailable instead of inventing it', async () => {
    const unit = await monitor.unitCosts({ from: '2026-11-01', to: '2026-11-23' });
    expect(unit.orders).toEqual({ available: false, reason: 'ORDERS_DATABASE_URL is not configured' });
    expect(unit.costPer1000Orders).toBeNull();
    expect(unit.cost).toBeGreaterThan(0);
  });

  it('computes cost per 1,000 orders from the orders table', async () => {
    const orders = await createTestDatabase('cost_orders_test');
    try {
      await orders.pool.query(
        `CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, created_at timestamptz NOT NULL);
         INSERT INTO orders SELECT g, CASE WHEN g % 10 = 0 THEN 'cancelled' ELSE 'paid' END, '2026-11-10T10:00:00Z'
         FROM generate_series(1, 2000) g;
         INSERT INTO orders VALUES (5000, 'paid', '2026-12-01T00:00:00Z');`,
      );
      const counter = createPostgresOrderCounter(orders.url);
      orders.closeBeforeDrop(() => counter.close());
      const withOrders = new CostMonitor(store, counter, settings);
      const unit = await withOrders.unitCosts({ from: '2026-11-01', to: '2026-11-30' });
      expect(unit.orders).toEqual({ available: true, count: 1800, source: `postgres:${orders.name}.orders` });
      expect(unit.costPer1000Orders).toBe(Math.round((unit.cost / 1800) * 1000 * 100) / 100);
    } finally {
      await orders.drop();
    }
  });

  it('polls a source once even when two replicas poll at the same moment', async () => {
    let calls = 0;
    const source: CostSource = {
      name: 'gcp-bigquery-billing',
      kind: 'gcp-bigquery-billing',
      async fetchDailyCosts({ from }) {
        calls += 1;
        await new Promise(resolve => setTimeout(resolve, 200));
        return [{
          day: from, service: 'search-service', cloud: 'gcp', accountId: 'reco-platform-prod', category: 'Compute',
          providerService: 'Compute Engine', chargeCategory: 'Usage', currency: 'USD', billedCost: 1.5, effectiveCost: 1.5,
        }];
      },
    };
    const options = { today: '2026-12-10', lookbackDays: 3, minIntervalMs: 3_600_000 };
    const outcomes = await Promise.all([pollSource(store, source, options), pollSource(store, source, options)]);
    expect(outcomes.map(o => o.outcome).sort()).toEqual(['imported', 'locked']);
    expect(calls).toBe(1);
    expect((await pollSource(store, source, options)).outcome).toBe('recent');
    expect((await monitor.costs({ from: '2026-12-07', to: '2026-12-09', groupBy: 'cloud' })).groups).toEqual([{ key: 'gcp', amount: 1.5 }]);
  });

  it('rolls a poll back when the source fails', async () => {
    const failing: CostSource = {
      name: 'aws-cost-explorer',
      kind: 'aws-cost-explorer',
      async fetchDailyCosts() {
        throw new Error('Cost Explorer unavailable');
      },
    };
    await expect(pollSource(store, failing, { today: '2026-12-10', lookbackDays: 3, minIntervalMs: 1000 })).rejects.toThrow(
      'Cost Explorer unavailable',
    );
    expect((await monitor.listImports(100)).filter(i => i.source === 'aws-cost-explorer')).toEqual([]);
  });
});
