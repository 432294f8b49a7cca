import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { costApiRef } from '../../api';
import { createFakeCostApi } from '../../__testUtils__/fakeCostApi';
import { AlertsCard } from './AlertsCard';

// Its own file: usePermission caches decisions per process, so an ALLOW elsewhere would leak in.
describe('AlertsCard without the manage permission', () => {
  it('shows the alerts but disables acknowledge and snooze', async () => {
    const fake = createFakeCostApi();
    await renderInTestApp(<AlertsCard />, {
      apis: [[costApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.DENY })],
    });
    const table = await screen.findByRole('table', { name: 'open cost alerts' });
    expect(within(table).getByRole('row', { name: /analytics-service/ })).toBeInTheDocument();
    expect(within(table).getByRole('button', { name: 'Acknowledge' })).toBeDisabled();
    expect(within(table).getByRole('button', { name: 'Snooze 7 days' })).toBeDisabled();
  });
});
