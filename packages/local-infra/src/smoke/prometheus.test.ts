import { loadInfraEnv } from '../env';

interface QueryResponse {
  status: string;
  data: {
    resultType: string;
    result: { metric: Record<string, string>; value: [number, string] }[];
  };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('Prometheus (yarn infra)', () => {
  let baseUrl: string;

  beforeAll(() => {
    baseUrl = loadInfraEnv().PROMETHEUS_URL;
  });

  it('is ready', async () => {
    const response = await fetch(new URL('/-/ready', baseUrl));
    expect(response.status).toBe(200);
  });

  it('answers the query `up` with itself up', async () => {
    // A freshly started Prometheus has no samples until its first scrape (15 s interval).
    const deadline = Date.now() + 25_000;
    let selfUp: string | undefined;
    while (selfUp === undefined && Date.now() < deadline) {
      const response = await fetch(new URL('/api/v1/query?query=up', baseUrl));
      const body = (await response.json()) as QueryResponse;
      expect(body.status).toBe('success');
      expect(body.data.resultType).toBe('vector');
      selfUp = body.data.result.find(
        series => series.metric.job === 'prometheus',
      )?.value[1];
      if (selfUp === undefined) await sleep(1_000);
    }
    expect(selfUp).toBe('1');
  }, 30_000);

  it('scrapes the twelve services, the data lake sink and the portal', async () => {
    const response = await fetch(
      new URL('/api/v1/targets?state=active', baseUrl),
    );
    const body = (await response.json()) as {
      data: { activeTargets: { labels: Record<string, string> }[] };
    };
    const services = body.data.activeTargets
      .map(target => target.labels.service)
      .filter(Boolean);
    expect(services).toHaveLength(14);
    expect(services).toEqual(
      expect.arrayContaining([
        'recommendation-service',
        'api-gateway',
        'data-lake-sink',
        'backstage',
      ]),
    );
  });
});
