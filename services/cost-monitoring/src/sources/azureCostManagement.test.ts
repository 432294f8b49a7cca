import { startRecordingServer } from '../__testUtils__/recordingServer';
import { createAzureCostManagementSource } from './azureCostManagement';
import page1 from './__fixtures__/azure-query-page1.json';
import page2 from './__fixtures__/azure-query-page2.json';

const scope = 'subscriptions/6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7';

describe('Azure Cost Management source', () => {
  it('POSTs the documented Query body, follows nextLink with the same body and maps columns/rows', async () => {
    const server = await startRecordingServer((request, baseUrl) => {
      if (request.url.includes('skiptoken')) return { body: page2 };
      const nextLink = `${baseUrl}/${scope}/providers/Microsoft.CostManagement/query?api-version=2023-11-01&$skiptoken=AQAAAA%3D%3D`;
      return { body: { ...page1, properties: { ...page1.properties, nextLink } } };
    });
    try {
      const source = createAzureCostManagementSource({
        scope,
        allocationTagKey: 'cost-allocation',
        currency: 'USD',
        baseUrl: server.baseUrl,
        getToken: async () => 'test-token',
      });
      const rows = await source.fetchDailyCosts({ from: '2026-11-01', to: '2026-11-02' });

      expect(server.requests.map(r => [r.method, r.url])).toEqual([
        ['POST', `/${scope}/providers/Microsoft.CostManagement/query?api-version=2023-11-01`],
        ['POST', `/${scope}/providers/Microsoft.CostManagement/query?api-version=2023-11-01&$skiptoken=AQAAAA%3D%3D`],
      ]);
      expect(server.requests[0].headers.authorization).toBe('Bearer test-token');
      const expectedBody = {
        type: 'ActualCost',
        timeframe: 'Custom',
        timePeriod: { from: '2026-11-01T00:00:00Z', to: '2026-11-02T23:59:59Z' },
        dataset: {
          granularity: 'Daily',
          aggregation: { totalCost: { name: 'Cost', function: 'Sum' } },
          grouping: [
            { type: 'TagKey', name: 'cost-allocation' },
            { type: 'Dimension', name: 'ServiceName' },
          ],
        },
      };
      expect(JSON.parse(server.requests[0].body)).toEqual(expectedBody);
      expect(JSON.parse(server.requests[1].body)).toEqual(expectedBody);

      const common = { cloud: 'azure', accountId: '6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7', currency: 'USD', chargeCategory: 'Usage' };
      expect(rows).toEqual([
        { ...common, day: '2026-11-01', service: 'recommendation-service', category: 'Compute', providerService: 'Virtual Machines', billedCost: 2.6301, effectiveCost: 2.6301 },
        { ...common, day: '2026-11-01', service: 'recommendation-service', category: 'Databases', providerService: 'Azure Cache for Redis', billedCost: 0.8877, effectiveCost: 0.8877 },
        { ...common, day: '2026-11-02', service: 'unallocated', category: 'Networking', providerService: 'Bandwidth', billedCost: 0.3312, effectiveCost: 0.3312 },
      ]);
    } finally {
      await server.close();
    }
  });

  it('reports a throttled or failed query with its status', async () => {
    const server = await startRecordingServer(() => ({
      status: 429,
      body: { error: { code: '429', message: 'Too many requests. Please retry.' } },
    }));
    try {
      const source = createAzureCostManagementSource({
        scope,
        allocationTagKey: 'cost-allocation',
        currency: 'USD',
        baseUrl: server.baseUrl,
        getToken: async () => 'test-token',
      });
      await expect(source.fetchDailyCosts({ from: '2026-11-01', to: '2026-11-02' })).rejects.toThrow(
        /azure-cost-management: query answered 429/,
      );
    } finally {
      await server.close();
    }
  });
});
