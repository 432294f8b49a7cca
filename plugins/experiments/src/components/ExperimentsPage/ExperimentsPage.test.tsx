import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { ExperimentsApiError, experimentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeExperimentsApi, experiment, resultsOf } from '../../__testUtils__/fakeExperimentsApi';
import { ExperimentsPage } from './ExperimentsPage';

jest.setTimeout(60_000);

describe('ExperimentsPage', () => {
  it('lists every experiment with its status, traffic split, SRM, guardrails, verdict and owner', async () => {
    const fake = createFakeExperimentsApi(
      [
        experiment(),
        experiment({ key: 'search-boost', name: 'Search boost', kind: 'feature', owner: 'group:catalog-team', variants: [{ name: 'control', weight: 50 }, { name: 'boost', weight: 50 }] }),
        experiment({ key: 'ranking-v3', status: 'draft' }),
        experiment({ key: 'skewed-ranking' }),
      ],
      {
        'recommendation-ranking': resultsOf('recommendation-ranking'),
        'search-boost': null,
        'skewed-ranking': resultsOf('skewed-ranking', { treatmentUsers: 2000 }),
      },
    );
    await renderInTestApp(<ExperimentsPage />, {
      apis: [[experimentsApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
      mountedRoutes: { '/experiments': rootRouteRef },
    });
    const table = await screen.findByRole('table', { name: 'Experiments' });
    const ranking = within(table).getByRole('row', { name: /^recommendation-ranking/ });
    expect(ranking).toHaveTextContent('running');
    expect(ranking).toHaveTextContent('90/10');
    expect(ranking).toHaveTextContent('guardrails held');
    expect(ranking).toHaveTextContent('treatment wins on ctr (+40%)');
    expect(ranking).toHaveTextContent('personalization-team');
    expect(within(ranking).getByRole('link', { name: 'recommendation-ranking' })).toHaveAttribute('href', '/experiments/recommendation-ranking');
    expect(within(ranking).queryByLabelText(/Sample ratio mismatch/)).not.toBeInTheDocument();

    const skewed = within(table).getByRole('row', { name: /^skewed-ranking/ });
    expect(within(skewed).getByLabelText(/Sample ratio mismatch/)).toHaveTextContent('SRM');
    expect(skewed).toHaveTextContent('Sample ratio mismatch');

    const boost = within(table).getByRole('row', { name: /^search-boost/ });
    expect(boost).toHaveTextContent('50/50');
    expect(boost).toHaveTextContent('No results yet');
    expect(boost).toHaveTextContent('catalog-team');
    expect(within(table).getByRole('row', { name: /^ranking-v3/ })).toHaveTextContent('Not started');
    // drafts have no results to ask for
    expect(fake.calls.filter(c => c.method === 'getResults').map(c => c.args[0])).not.toContain('ranking-v3');
  });

  it('says the A/B testing service is unavailable when the backend answers 503', async () => {
    const fake = createFakeExperimentsApi();
    fake.api.listExperiments = async () => {
      throw new ExperimentsApiError(503, 'The A/B testing service is unreachable at http://127.0.0.1:3011: ECONNREFUSED');
    };
    await renderInTestApp(<ExperimentsPage />, {
      apis: [[experimentsApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
    });
    expect(await screen.findByText(/The A\/B testing service is unavailable/)).toBeInTheDocument();
    expect(screen.getByText(/unreachable at http:\/\/127.0.0.1:3011/)).toBeInTheDocument();
  });
});
