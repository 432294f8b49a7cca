import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { startRecordingServer } from '../__testUtils__/recordingServer';
import { createAwsCostExplorerSource } from './awsCostExplorer';
import page1 from './__fixtures__/aws-get-cost-and-usage-page1.json';
import page2 from './__fixtures__/aws-get-cost-and-usage-page2.json';

describe('AWS Cost Explorer source', () => {
  it('calls GetCostAndUsage grouped by the allocation tag and SERVICE, follows NextPageToken and maps the groups', async () => {
    const server = await startRecordingServer(request => ({
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.parse(request.body).NextPageToken ? page2 : page1,
    }));
    try {
      const client = new CostExplorerClient({
        region: 'us-east-1',
        endpoint: server.baseUrl,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      });
      const source = createAwsCostExplorerSource({
        client,
        accountId: '123456789012',
        allocationTagKey: 'cost-allocation',
        currency: 'USD',
      });
      const rows = await source.fetchDailyCosts({ from: '2026-11-01', to: '2026-11-02' });

      expect(server.requests).toHaveLength(2);
      expect(server.requests[0].headers['x-amz-target']).toBe('AWSInsightsIndexService.GetCostAndUsage');
      expect(server.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
      expect(JSON.parse(server.requests[0].body)).toEqual({
        TimePeriod: { Start: '2026-11-01', End: '2026-11-03' },
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost', 'AmortizedCost'],
        GroupBy: [
          { Type: 'TAG', Key: 'cost-allocation' },
          { Type: 'DIMENSION', Key: 'SERVICE' },
        ],
      });
      expect(JSON.parse(server.requests[1].body).NextPageToken).toBe('AQAAAAxlYXN0LTEuc2VydmljZQ==');

      const common = { cloud: 'aws', accountId: '123456789012', currency: 'USD' };
      expect(rows).toEqual([
        {
          ...common,
          day: '2026-11-01',
          service: 'user-service',
          category: 'Databases',
          providerService: 'Amazon Relational Database Service',
          chargeCategory: 'Usage',
          billedCost: 0.6012,
          effectiveCost: 0.5918,
        },
        {
          ...common,
          day: '2026-11-01',
          service: 'api-gateway',
          category: 'Networking',
          providerService: 'Amazon API Gateway',
          chargeCategory: 'Usage',
          billedCost: 0.7604,
          effectiveCost: 0.7604,
        },
        {
          ...common,
          day: '2026-11-01',
          service: 'unallocated',
          category: 'Other',
          providerService: 'Tax',
          chargeCategory: 'Tax',
          billedCost: 0.12,
          effectiveCost: 0.12,
        },
        {
          ...common,
          day: '2026-11-02',
          service: 'event-tracking-service',
          category: 'Analytics',
          providerService: 'Amazon Managed Streaming for Apache Kafka',
          chargeCategory: 'Usage',
          billedCost: 1.7941,
          effectiveCost: 1.7941,
        },
      ]);
    } finally {
      await server.close();
    }
  });

  it('surfaces an AWS error response instead of returning partial data', async () => {
    const server = await startRecordingServer(() => ({
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: { __type: 'com.amazonaws.ce#DataUnavailableException', message: 'Data is not available.' },
    }));
    try {
      const source = createAwsCostExplorerSource({
        client: new CostExplorerClient({
          region: 'us-east-1',
          endpoint: server.baseUrl,
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
          maxAttempts: 1,
        }),
        accountId: '123456789012',
        allocationTagKey: 'cost-allocation',
        currency: 'USD',
      });
      await expect(source.fetchDailyCosts({ from: '2026-11-01', to: '2026-11-02' })).rejects.toMatchObject({
        name: 'DataUnavailableException',
      });
    } finally {
      await server.close();
    }
  });
});
