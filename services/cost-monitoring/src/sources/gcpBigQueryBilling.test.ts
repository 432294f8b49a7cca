import { startRecordingServer } from '../__testUtils__/recordingServer';
import { GCP_BILLING_QUERY, createGcpBigQueryBillingSource } from './gcpBigQueryBilling';
import queryResponse from './__fixtures__/gcp-jobs-query.json';
import resultsPage from './__fixtures__/gcp-get-query-results.json';

const table = 'reco-platform-billing.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9';

describe('GCP BigQuery billing export source', () => {
  it('runs jobs.query with named parameters, pages with getQueryResults and applies credits', async () => {
    const server = await startRecordingServer(request => ({
      body: request.method === 'POST' ? queryResponse : resultsPage,
    }));
    try {
      const source = createGcpBigQueryBillingSource({
        projectId: 'reco-platform-billing',
        table,
        allocationTagKey: 'cost-allocation',
        currency: 'USD',
        baseUrl: server.baseUrl,
        getToken: async () => 'ya29.test',
      });
      const rows = await source.fetchDailyCosts({ from: '2026-11-01', to: '2026-11-02' });

      expect(server.requests.map(r => [r.method, r.url])).toEqual([
        ['POST', '/bigquery/v2/projects/reco-platform-billing/queries'],
        [
          'GET',
          '/bigquery/v2/projects/reco-platform-billing/queries/job_8xQ2mVtN1pLk?timeoutMs=30000&pageToken=BEQIBBKK4QIQAAASAUIIBAEAAUNPQ&location=EU',
        ],
      ]);
      expect(server.requests[0].headers.authorization).toBe('Bearer ya29.test');
      expect(JSON.parse(server.requests[0].body)).toEqual({
        query: GCP_BILLING_QUERY(table),
        useLegacySql: false,
        parameterMode: 'NAMED',
        queryParameters: [
          { name: 'tag_key', parameterType: { type: 'STRING' }, parameterValue: { value: 'cost-allocation' } },
          { name: 'from_day', parameterType: { type: 'DATE' }, parameterValue: { value: '2026-11-01' } },
          { name: 'to_day', parameterType: { type: 'DATE' }, parameterValue: { value: '2026-11-02' } },
        ],
        timeoutMs: 30000,
      });
      expect(GCP_BILLING_QUERY(table)).toContain(`FROM \`${table}\``);

      const common = { cloud: 'gcp', accountId: 'reco-platform-prod', currency: 'USD', chargeCategory: 'Usage' };
      expect(rows).toEqual([
        { ...common, day: '2026-11-01', service: 'notification-service', category: 'Compute', providerService: 'Cloud Run', billedCost: 0.2861, effectiveCost: 0.2549 },
        { ...common, day: '2026-11-01', service: 'search-service', category: 'Compute', providerService: 'Compute Engine', billedCost: 1.0537, effectiveCost: 1.0537 },
        { ...common, day: '2026-11-02', service: 'unallocated', category: 'Storage', providerService: 'Cloud Storage', billedCost: 0.0421, effectiveCost: 0.0421 },
      ]);
    } finally {
      await server.close();
    }
  });

  it('waits for an unfinished job through getQueryResults before reading rows', async () => {
    let calls = 0;
    const server = await startRecordingServer(() => {
      calls += 1;
      if (calls === 1) return { body: { kind: 'bigquery#queryResponse', jobReference: queryResponse.jobReference, jobComplete: false } };
      return { body: { ...resultsPage } };
    });
    try {
      const source = createGcpBigQueryBillingSource({
        projectId: 'reco-platform-billing',
        table,
        allocationTagKey: 'cost-allocation',
        currency: 'USD',
        baseUrl: server.baseUrl,
        getToken: async () => 'ya29.test',
      });
      const rows = await source.fetchDailyCosts({ from: '2026-11-02', to: '2026-11-02' });
      expect(server.requests[1].url).toBe('/bigquery/v2/projects/reco-platform-billing/queries/job_8xQ2mVtN1pLk?timeoutMs=30000&location=EU');
      expect(rows).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('refuses a table name that could inject SQL', () => {
    expect(() =>
      createGcpBigQueryBillingSource({ projectId: 'p', table: 'a.b.c`; DROP', allocationTagKey: 'k', currency: 'USD' }),
    ).toThrow(/project.dataset.table/);
  });
});
