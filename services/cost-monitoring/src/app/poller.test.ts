import type { CostSource } from '../sources/types';
import { CostStore } from '../store/costStore';
import { createTestDatabase } from '../__testUtils__/testDatabase';
import type { PollOutcome } from './imports';
import { startPoller } from './poller';

describe('startPoller', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('polls every source at once, reports failures per source and stops cleanly', async () => {
    const working: CostSource = {
      name: 'gcp-bigquery-billing',
      kind: 'gcp-bigquery-billing',
      fetchDailyCosts: async ({ to }) => [
        {
          day: to, service: 'search-service', cloud: 'gcp', accountId: 'reco-platform-prod', category: 'Compute',
          providerService: 'Compute Engine', chargeCategory: 'Usage', currency: 'USD', billedCost: 2, effectiveCost: 2,
        },
      ],
    };
    const failing: CostSource = {
      name: 'azure-cost-management',
      kind: 'azure-cost-management',
      fetchDailyCosts: async () => {
        throw new Error('azure-cost-management: query answered 429');
      },
    };
    const outcomes: PollOutcome[] = [];
    const errors: string[] = [];
    const poller = startPoller({
      store: new CostStore(db.pool),
      sources: [failing, working],
      intervalMs: 3_600_000,
      lookbackDays: 2,
      onOutcome: outcome => {
        outcomes.push(outcome);
      },
      onError: (source, error) => errors.push(`${source}: ${(error as Error).message}`),
    });
    await poller.stop();
    expect(errors).toEqual(['azure-cost-management: azure-cost-management: query answered 429']);
    expect(outcomes).toEqual([expect.objectContaining({ source: 'gcp-bigquery-billing', outcome: 'imported' })]);
  });
});
