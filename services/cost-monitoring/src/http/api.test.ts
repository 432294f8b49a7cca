import request from 'supertest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { createCostMonitoringService } from '../app';
import { loadCostConfig } from '../config';
import { addDays } from '../domain/dates';
import { contractAsserter } from '@platform/service-kit/testing';
import { createTestDatabase } from '../__testUtils__/testDatabase';
import { createTestTokens } from '../__testUtils__/tokens';

const contract = contractAsserter('cost-api');
/** Every answer a test sees must be one the cost-api contract allows. */
const conforms = (response: request.Response) => {
  const sent = (response as unknown as { req: { method: string; path: string } }).req;
  contract.assertResponse(sent.method, sent.path, response);
};

const endDay = '2026-11-23';
const HEADER =
  'BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,ServiceName,ServiceCategory,SubAccountId,Tags';
const row = (day: string, cost: string) =>
  `${cost},${cost},USD,${day}T00:00:00Z,${addDays(day, 1)}T00:00:00Z,Usage,AWS,AWS Lambda,Compute,123456789012,"{""cost-allocation"":""cart-checkout-service""}"`;

describe('cost API over HTTP (contract cost-api)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: Awaited<ReturnType<typeof createCostMonitoringService>>;
  let http: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    const tokens = await createTestTokens();
    db = await createTestDatabase();
    const config = loadCostConfig({
      ...process.env,
      COST_DATABASE: db.name,
      COST_DATASET_END_DATE: endDay,
      ORDERS_DATABASE_URL: db.url,
      JWT_PUBLIC_KEY: tokens.publicKeyPem,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await createCostMonitoringService(config);
    await app.importEmbedded();
    // an operator's token: reads, alert actions and imports
    http = request.agent(app.service.app).set('authorization', await tokens.bearer('ops-1', ['admin']));
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('answers a 90-day, all-services query grouped by service', async () => {
    const response = await http.get('/costs').query({ from: addDays(endDay, -89), to: endDay, groupBy: 'service' }).expect(200);
    conforms(response);
    expect(response.body).toMatchObject({ from: addDays(endDay, -89), to: endDay, groupBy: 'service', currency: 'USD' });
    expect(response.body.groups).toHaveLength(12);
    expect(response.body.total).toBeCloseTo(
      response.body.groups.reduce((sum: number, group: { amount: number }) => sum + group.amount, 0),
      2,
    );
  });

  // Before the upload tests below move the newest data day into December.
  it('exposes the cost gauges on /metrics', async () => {
    const metrics = await http.get('/metrics').expect(200);
    // The kit labels every metric with service="cost-monitoring-service"; the cost's own service is service_name.
    expect(metrics.text).toMatch(/cost_daily_usd\{service_name="recommendation-service",cloud="azure",service="cost-monitoring-service"\} \d/);
    expect(metrics.text).toMatch(/cost_monthly_budget_usd\{service="cost-monitoring-service"\} 500/);
    expect(metrics.text).toMatch(/cost_forecast_month_end_usd\{service_name="platform",service="cost-monitoring-service"\} \d/);
    expect(metrics.text).toMatch(/cost_open_alerts\{kind="day-over-day",service="cost-monitoring-service"\} \d/);
  });

  it('rejects an unknown service with the documented 422 problem naming the parameter', async () => {
    const response = await http.get('/costs').query({ from: '2026-11-01', to: '2026-11-10', service: 'payments-service' }).expect(422);
    conforms(response);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 422, errors: [{ parameter: 'service', message: 'unknown service payments-service' }] });
  });

  it('rejects an inverted period with the documented 422 problem', async () => {
    const response = await http.get('/costs/daily').query({ from: '2026-11-10', to: '2026-11-01' }).expect(422);
    conforms(response);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([{ parameter: 'to', message: 'must not be before from (2026-11-10)' }]);
  });

  it('rejects a groupBy outside the contract', async () => {
    const response = await http.get('/costs').query({ from: '2026-11-01', to: '2026-11-10', groupBy: 'region' }).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('summarises the month and reports cost per 1,000 orders as unavailable without an orders table', async () => {
    const summary = await http.get('/costs/summary').expect(200);
    conforms(summary);
    expect(summary.body).toMatchObject({ month: '2026-11', asOf: endDay, budget: 500, daysElapsed: 23 });
    const unit = await http.get('/costs/unit').query({ from: '2026-11-01', to: endDay }).expect(200);
    conforms(unit);
    conforms(await http.get('/costs/daily').query({ from: '2026-11-01', to: endDay, stackBy: 'service' }).expect(200));
    conforms(await http.get('/costs/movers').query({ from: '2026-11-01', to: endDay }).expect(200));
    expect(unit.body.orders.available).toBe(false);
    expect(unit.body.orders.reason).toMatch(/relation "orders" does not exist/);
    expect(unit.body.costPer1000Orders).toBeNull();
  });

  it('rejects a FOCUS file with a malformed row (422, row and field) and stores nothing of it', async () => {
    const csv = [HEADER, row('2026-12-01', '1.5'), row('2026-12-02', '1.5 USD')].join('\n');
    const response = await http.post('/imports').set('content-type', 'text/csv').send(csv).expect(422);
    conforms(response);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([
      { row: 2, field: 'BilledCost', message: 'expected a decimal number' },
      { row: 2, field: 'EffectiveCost', message: 'expected a decimal number' },
    ]);
    const costs = await http.get('/costs').query({ from: '2026-12-01', to: '2026-12-02' }).expect(200);
    expect(costs.body.groups).toEqual([]);
    const imports = await http.get('/imports').expect(200);
    conforms(imports);
    expect(imports.body.items[0]).toMatchObject({ source: 'focus-upload', status: 'failed', rowsImported: 0 });
  });

  it('imports a FOCUS CSV and a FOCUS Parquet file', async () => {
    const csv = [HEADER, row('2026-12-01', '1.5'), row('2026-12-02', '2.25')].join('\n');
    const created = await http.post('/imports').set('content-type', 'text/csv').send(csv).expect(201);
    conforms(created);
    expect(created.body).toMatchObject({ status: 'succeeded', sourceRows: 2, rowsImported: 2, periodStart: '2026-12-01', periodEnd: '2026-12-02' });

    const parquet = parquetWriteBuffer({
      columnData: [
        { name: 'BilledCost', data: [3], type: 'DOUBLE' },
        { name: 'EffectiveCost', data: [3], type: 'DOUBLE' },
        { name: 'BillingCurrency', data: ['USD'], type: 'STRING' },
        { name: 'ChargePeriodStart', data: [new Date('2026-12-03T00:00:00Z')], type: 'TIMESTAMP' },
        { name: 'ChargePeriodEnd', data: [new Date('2026-12-04T00:00:00Z')], type: 'TIMESTAMP' },
        { name: 'ChargeCategory', data: ['Usage'], type: 'STRING' },
        { name: 'ProviderName', data: ['Google Cloud'], type: 'STRING' },
        { name: 'ServiceName', data: ['Cloud Run'], type: 'STRING' },
        { name: 'ServiceCategory', data: ['Compute'], type: 'STRING' },
        { name: 'SubAccountId', data: ['reco-platform-prod'], type: 'STRING' },
        { name: 'Tags', data: [JSON.stringify({ 'cost-allocation': 'notification-service' })], type: 'STRING' },
      ] as never,
    });
    await http.post('/imports').set('content-type', 'application/vnd.apache.parquet').send(Buffer.from(parquet)).expect(201);
    const costs = await http.get('/costs').query({ from: '2026-12-01', to: '2026-12-03', groupBy: 'service' }).expect(200);
    expect(costs.body.groups).toEqual([
      { key: 'cart-checkout-service', amount: 3.75 },
      { key: 'notification-service', amount: 3 },
    ]);
  });

  it('acknowledges and snoozes alerts, with problems for bad input', async () => {
    const open = await http.get('/alerts').query({ status: 'open' }).expect(200);
    conforms(open);
    expect(open.body.items.length).toBeGreaterThanOrEqual(2);
    const [first, second] = open.body.items;

    const acknowledged = await http.post(`/alerts/${first.id}/acknowledge`).send({ by: 'user:default/guest' }).expect(200);
    conforms(acknowledged);
    expect(acknowledged.body).toMatchObject({ id: first.id, status: 'acknowledged', acknowledgedBy: 'user:default/guest' });
    const after = await http.get('/alerts').query({ status: 'open' }).expect(200);
    expect(after.body.items.map((a: { id: string }) => a.id)).not.toContain(first.id);

    await http.post(`/alerts/${second.id}/snooze`).send({ until: '2020-01-01T00:00:00Z' }).expect(422);
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const snoozed = await http.post(`/alerts/${second.id}/snooze`).send({ until }).expect(200);
    conforms(snoozed);
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    conforms(await http.post(`/alerts/${first.id}/snooze`).send({ until }).expect(409));
    const reopened = await http.post(`/alerts/${first.id}/reopen`).expect(200);
    conforms(reopened);
    expect(reopened.body).toMatchObject({ status: 'open', acknowledgedBy: null, acknowledgedAt: null, snoozedUntil: null });
    expect((await http.get('/alerts').query({ status: 'open' }).expect(200)).body.items.map((a: { id: string }) => a.id)).toContain(first.id);
    conforms(await http.post('/alerts/00000000-0000-4000-8000-000000000000/acknowledge').expect(404));
  });
});
