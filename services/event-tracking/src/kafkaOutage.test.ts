import { randomUUID } from 'node:crypto';
import {
  closedPort,
  contractValidator,
  startHarness,
} from './__testUtils__/harness';

jest.setTimeout(30_000);

const expectContract = contractValidator();

describe('when Kafka is unreachable', () => {
  let harness: Awaited<ReturnType<typeof startHarness>>;

  beforeAll(async () => {
    harness = await startHarness({
      kafkaBrokers: `127.0.0.1:${await closedPort()}`,
    });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('answers 503 with Retry-After within about 2 s and acknowledges nothing', async () => {
    const started = Date.now();
    const response = await harness.post({
      events: [
        {
          sessionId: `s-${randomUUID()}`,
          type: 'view',
          ts: '2025-09-30T07:00:00Z',
        },
        {
          sessionId: `s-${randomUUID()}`,
          type: 'hover',
          ts: '2025-09-30T07:00:00Z',
        },
      ],
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    const problem = await expectContract('POST', response);
    expect(problem).not.toHaveProperty('eventIds');
    expect(problem.detail).toMatch(/none was accepted/);
  });

  it('reports Kafka as not ready', async () => {
    const response = await fetch(`${harness.url}/readyz`);
    expect(response.status).toBe(503);
    const problem = await expectContract('GET', response);
    expect(problem.checks.kafka.status).toBe('unavailable');
  });
});
