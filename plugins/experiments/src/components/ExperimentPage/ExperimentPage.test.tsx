import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { experimentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeExperimentsApi } from '../../__testUtils__/fakeExperimentsApi';
import { ExperimentPage } from './ExperimentPage';

jest.setTimeout(90_000);

function renderPage(fake: ReturnType<typeof createFakeExperimentsApi>) {
  return renderInTestApp(<ExperimentPage />, {
    apis: [[experimentsApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
    mountedRoutes: { '/experiments': rootRouteRef },
    mountPath: '/experiments/:key',
    initialRouteEntries: ['/experiments/recommendation-ranking'],
  });
}

describe('ExperimentPage', () => {
  it('shows the results per metric with lift, 95% CI, p-value and chance to win, the chart, ramp history and audit log', async () => {
    const fake = createFakeExperimentsApi();
    await renderPage(fake);
    expect(await screen.findByRole('heading', { name: /Ranking: champion vs challenger/ })).toBeInTheDocument();
    expect(screen.getByLabelText('Traffic split')).toHaveTextContent('90/10');

    const results = screen.getByRole('table', { name: 'Results by metric' });
    expect(within(results).getByRole('columnheader', { name: '95% CI' })).toBeInTheDocument();
    const ctr = within(results).getByRole('row', { name: /^ctr treatment/ });
    expect(ctr).toHaveTextContent('+40%');
    expect(ctr).toHaveTextContent('+16.8% to +63.2%');
    expect(ctr).toHaveTextContent('< 0.001');
    expect(ctr).toHaveTextContent('100%');
    const revenue = within(results).getByRole('row', { name: /^revenuePerUser treatment/ });
    expect(revenue).toHaveTextContent('+5%');
    expect(revenue).toHaveTextContent('-2.8% to +12.8%');
    expect(revenue).toHaveTextContent('0.209');
    expect(revenue).toHaveTextContent('89.6%');
    expect(screen.getByText('treatment wins on ctr (+40%)')).toBeInTheDocument();

    expect(screen.getByRole('figure', { name: 'Click-through rate by day, cumulative' })).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Ramp history' })).getAllByRole('row')).toHaveLength(3);
    expect(within(screen.getByRole('table', { name: 'Audit log' })).getByRole('row', { name: /start demo-seed 90\/10 demo/ })).toBeInTheDocument();
  });

  it('ramps with new weights and a reason; the split and the ramp history follow', async () => {
    const fake = createFakeExperimentsApi();
    await renderPage(fake);
    const actions = await screen.findByRole('group', { name: 'Experiment actions' });
    expect(within(actions).getAllByRole('button').map(b => b.textContent)).toEqual(['Ramp', 'Stop', 'Conclude']);
    await userEvent.click(within(actions).getByRole('button', { name: 'Ramp' }));

    const dialog = await screen.findByRole('dialog', { name: 'Ramp recommendation-ranking' });
    const confirm = within(dialog).getByRole('button', { name: 'Confirm ramp' });
    expect(confirm).toBeDisabled();
    const control = within(dialog).getByLabelText('Weight of control (%)');
    const treatment = within(dialog).getByLabelText('Weight of treatment (%)');
    await userEvent.clear(control);
    await userEvent.type(control, '80');
    expect(within(dialog).getByRole('status')).toHaveTextContent('Whole percents summing to 100 (now 90)');
    await userEvent.clear(treatment);
    await userEvent.type(treatment, '20');
    expect(within(dialog).getByRole('status')).toHaveTextContent('New split 80/20');
    expect(confirm).toBeDisabled(); // no reason yet
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'guardrails held for a day');
    await userEvent.click(confirm);

    await waitFor(() => expect(screen.getByLabelText('Traffic split')).toHaveTextContent('80/20'));
    expect(fake.calls.find(c => c.method === 'ramp')?.args).toEqual([
      'recommendation-ranking',
      { variants: [{ name: 'control', weight: 80 }, { name: 'treatment', weight: 20 }], reason: 'guardrails held for a day' },
    ]);
    expect(within(screen.getByRole('table', { name: 'Ramp history' })).getByRole('row', { name: /90\/10 → 80\/20 user:default\/guest guardrails held for a day/ })).toBeInTheDocument();
  });

  it('stops with a reason', async () => {
    const fake = createFakeExperimentsApi();
    await renderPage(fake);
    await userEvent.click(await screen.findByRole('button', { name: 'Stop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Stop recommendation-ranking' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'enough data');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm stop' }));
    await waitFor(() => expect(fake.state.experiments[0].status).toBe('stopped'));
    // a stopped experiment can still be concluded, nothing else
    await waitFor(() =>
      expect(within(screen.getByRole('group', { name: 'Experiment actions' })).getAllByRole('button').map(b => b.textContent)).toEqual(['Conclude']),
    );
  });
});
