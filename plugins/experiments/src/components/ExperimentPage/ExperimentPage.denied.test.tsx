import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { experimentsApiRef } from '../../api';
import { createFakeExperimentsApi } from '../../__testUtils__/fakeExperimentsApi';
import { ExperimentPage } from './ExperimentPage';

jest.setTimeout(60_000);

// Its own file: usePermission caches decisions per process, so an ALLOW elsewhere would leak in.
describe('ExperimentPage without the manage permission', () => {
  it('shows the experiment and its results but no Start, Ramp, Stop or Conclude', async () => {
    const fake = createFakeExperimentsApi();
    await renderInTestApp(<ExperimentPage />, {
      apis: [[experimentsApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.DENY })],
      mountPath: '/experiments/:key',
      initialRouteEntries: ['/experiments/recommendation-ranking'],
    });
    expect(await screen.findByRole('table', { name: 'Results by metric' })).toBeInTheDocument();
    expect(screen.getByLabelText('Traffic split')).toHaveTextContent('90/10');
    for (const name of ['Start', 'Ramp', 'Stop', 'Conclude']) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    }
    expect(screen.queryByRole('group', { name: 'Experiment actions' })).not.toBeInTheDocument();
  });
});
