import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { costApiRef } from '../../api';
import { createFakeCostApi } from '../../__testUtils__/fakeCostApi';
import { CostPage } from './CostPage';

describe('CostPage', () => {
  it('shows the period total, month to date, budget versus forecast, movers and unit cost from the API', async () => {
    const fake = createFakeCostApi();
    await renderInTestApp(<CostPage />, {
      apis: [[costApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
    });
    expect(await screen.findByRole('group', { name: 'Total for period' })).toHaveTextContent('$482.17');
    expect(screen.getByRole('group', { name: 'Total for period' })).toHaveTextContent('2026-10-25 to 2026-11-23');
    expect(screen.getByRole('group', { name: 'Month to date' })).toHaveTextContent('$401.25');
    expect(screen.getByRole('group', { name: 'Monthly budget' })).toHaveTextContent('$500.00');
    expect(screen.getByRole('group', { name: 'Forecast for the month' })).toHaveTextContent('$521.50');
    expect(screen.getByRole('status')).toHaveTextContent('Forecast exceeds the budget by $21.50 (4.3%).');
    expect(screen.getByRole('group', { name: 'Cost per 1,000 orders' })).toHaveTextContent(
      'UnavailableThe order count could not be read: ORDERS_DATABASE_URL is not configured',
    );
    const movers = screen.getByRole('table', { name: 'Top movers' });
    expect(within(movers).getByRole('row', { name: /recommendation-service/ })).toHaveTextContent('+$13.30 (+15.1%)');
    expect(fake.calls.find(c => c.method === 'getDailyCosts')?.args[0]).toEqual({ from: '2026-10-25', to: '2026-11-23', stackBy: 'cloud' });
  });

  it('reloads the figures for another period and another stacking', async () => {
    const fake = createFakeCostApi();
    await renderInTestApp(<CostPage />, {
      apis: [[costApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
    });
    await screen.findByText('$482.17');
    await userEvent.click(screen.getByRole('button', { name: /Period/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Last 90 days' }));
    await waitFor(() => expect(screen.getByRole('group', { name: 'Total for period' })).toHaveTextContent('$1,450.40'));
    await userEvent.click(screen.getByRole('button', { name: /Stack by/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Service' }));
    await waitFor(() =>
      expect(fake.calls.filter(c => c.method === 'getDailyCosts').at(-1)?.args[0]).toEqual({
        from: '2026-08-26',
        to: '2026-11-23',
        stackBy: 'service',
      }),
    );
  });

  it('acknowledging an alert removes it from the open list', async () => {
    const fake = createFakeCostApi();
    await renderInTestApp(<CostPage />, {
      apis: [[costApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
    });
    const table = await screen.findByRole('table', { name: 'open cost alerts' });
    const row = within(table).getByRole('row', { name: /analytics-service/ });
    await userEvent.click(within(row).getByRole('button', { name: 'Acknowledge' }));
    expect(await screen.findByText('No open cost alerts.')).toBeInTheDocument();
    expect(fake.state.alerts[0].status).toBe('acknowledged');

    await userEvent.click(screen.getByRole('button', { name: 'Alert status' }));
    await userEvent.click(screen.getByRole('option', { name: 'Acknowledged' }));
    const acknowledged = await screen.findByRole('table', { name: 'acknowledged cost alerts' });
    expect(acknowledged).toHaveTextContent('acknowledged by user:default/guest');
    await userEvent.click(within(acknowledged).getByRole('button', { name: 'Reopen' }));
    expect(await screen.findByText('No acknowledged cost alerts.')).toBeInTheDocument();
    expect(fake.state.alerts[0].status).toBe('open');
  });

  it('snoozing an alert moves it to the snoozed list for seven days', async () => {
    const fake = createFakeCostApi();
    await renderInTestApp(<CostPage />, {
      apis: [[costApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
    });
    const table = await screen.findByRole('table', { name: 'open cost alerts' });
    const before = Date.now();
    await userEvent.click(within(table).getByRole('button', { name: 'Snooze 7 days' }));
    expect(await screen.findByText('No open cost alerts.')).toBeInTheDocument();
    const [id, until] = fake.calls.find(c => c.method === 'snoozeAlert')!.args as [string, Date];
    expect(id).toBe(fake.state.alerts[0].id);
    expect(until.getTime() - before).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(until.getTime() - before).toBeLessThan(7 * 86_400_000 + 60_000);
    await userEvent.click(screen.getByRole('button', { name: 'Alert status' }));
    await userEvent.click(screen.getByRole('option', { name: 'Snoozed' }));
    expect(await screen.findByRole('table', { name: 'snoozed cost alerts' })).toHaveTextContent('snoozed until');
  });
});
