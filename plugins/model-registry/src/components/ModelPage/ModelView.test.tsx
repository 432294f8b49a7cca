import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ModelRegistryApiError, modelRegistryApiRef } from '../../api';
import { MODEL, createFakeModelRegistryApi } from '../../__testUtils__/fakeModelRegistryApi';
import { ModelView } from './ModelView';

const TIMEOUT = 90_000;

async function render(fake = createFakeModelRegistryApi()) {
  await renderInTestApp(<ModelView name={MODEL} />, {
    apis: [[modelRegistryApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
  });
  await screen.findByRole('table', { name: 'Versions' });
  return fake;
}

describe('ModelView', () => {
  it(
    'shows the aliases, every version, the metric chart, a comparison and the alias history',
    async () => {
      await render();
      expect(screen.getByRole('group', { name: 'Champion' })).toHaveTextContent('version 2');
      expect(screen.getByRole('group', { name: 'Challenger' })).toHaveTextContent('version 3');
      expect(screen.getByRole('group', { name: 'Previous champion' })).toHaveTextContent('version 1');
      expect(screen.getByRole('group', { name: 'Owner' })).toHaveTextContent('personalization-team');

      const versions = screen.getByRole('table', { name: 'Versions' });
      const rows = within(versions).getAllByRole('row').slice(1);
      expect(rows.map(r => within(r).getAllByRole('cell')[0].textContent)).toEqual(['version 3', 'version 2', 'version 1']);
      expect(rows[1]).toHaveTextContent('champion');
      expect(rows[1]).toHaveTextContent('0.2500');
      expect(rows[1]).toHaveTextContent('run200000000'); // run id, shortened
      expect(rows[1]).toHaveTextContent('sha2ffffffff'); // dataset fingerprint, shortened

      expect(screen.getByRole('figure', { name: 'model_recall_at_20 across versions' })).toBeInTheDocument();

      const comparison = screen.getByRole('table', { name: 'Version comparison' });
      expect(within(comparison).getByRole('row', { name: /^recall@20/ })).toHaveTextContent('recall@200.25000.2700');
      expect(within(comparison).getByRole('row', { name: /param factors/ })).toHaveTextContent('param factors6496');

      const history = screen.getByRole('table', { name: 'Alias history' });
      const promoted = within(history).getByRole('row', { name: /Promoted version 2/ });
      expect(promoted).toHaveTextContent('1 → 2');
      expect(promoted).toHaveTextContent('user:default/priya.natarajan');
      expect(promoted).toHaveTextContent('better recall');
    },
    TIMEOUT,
  );

  it(
    'compares two other versions when chosen',
    async () => {
      await render();
      await userEvent.click(screen.getByRole('button', { name: /Second version/ }));
      await userEvent.click(screen.getByRole('option', { name: 'version 1' }));
      const comparison = screen.getByRole('table', { name: 'Version comparison' });
      expect(within(comparison).getByRole('row', { name: /^recall@20/ })).toHaveTextContent('recall@200.25000.2000');
    },
    TIMEOUT,
  );

  it(
    'answers what was champion at a time',
    async () => {
      const fake = await render();
      fireEvent.change(screen.getByLabelText('Time (UTC)'), { target: { value: '2026-11-22T12:00' } });
      await userEvent.click(screen.getByRole('button', { name: 'Show champion' }));
      expect(await screen.findByRole('status')).toHaveTextContent(
        'At 2026-11-22 12:00 UTC the champion was version 2 (since 2026-11-22 09:00 UTC, promote by user:default/priya.natarajan: better recall).',
      );
      expect(fake.calls.find(c => c.method === 'getChampionAt')?.args[1]).toEqual(new Date('2026-11-22T12:00:00Z'));
    },
    TIMEOUT,
  );

  it(
    'promotes the chosen version with the typed reason and shows the new champion',
    async () => {
      const fake = await render();
      await userEvent.click(screen.getByRole('button', { name: 'Promote' }));
      const dialog = await screen.findByRole('dialog', { name: `Promote a version of ${MODEL}` });
      expect(within(dialog).getByRole('button', { name: 'Confirm promotion' })).toBeDisabled();
      await userEvent.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'beats the champion offline');
      await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm promotion' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(fake.calls.find(c => c.method === 'promote')?.args).toEqual([MODEL, { version: '3', reason: 'beats the champion offline' }]);
      expect(await screen.findByRole('status')).toHaveTextContent('Version 3 is now the champion.');
      await waitFor(() => expect(screen.getByRole('group', { name: 'Champion' })).toHaveTextContent('version 3'));
    },
    TIMEOUT,
  );

  it(
    'warns about a version below the champion and shows the refusal in the dialog',
    async () => {
      const fake = createFakeModelRegistryApi();
      fake.state.promoteError = new ModelRegistryApiError(
        422,
        'version 1 has model_recall_at_20 0.2, below the champion (version 2) at 0.25: promoting it needs the permission model-registry.model.promote.override',
        'PROMOTION_REFUSED',
      );
      await render(fake);
      await userEvent.click(screen.getByRole('button', { name: 'Promote' }));
      const dialog = await screen.findByRole('dialog');
      await userEvent.click(within(dialog).getByRole('button', { name: /Version/ }));
      await userEvent.click(screen.getByRole('option', { name: /version 1/ }));
      expect(within(dialog).getByText(/scores below the champion offline/)).toBeInTheDocument();
      await userEvent.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'try');
      await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm promotion' }));
      expect(await within(dialog).findByRole('alert')).toHaveTextContent('below the champion (version 2) at 0.25');
      expect(fake.state.aliases.champion).toBe('2');
    },
    TIMEOUT,
  );

  it(
    'rolls back with the typed reason',
    async () => {
      const fake = await render();
      await userEvent.click(screen.getByRole('button', { name: 'Roll back' }));
      const dialog = await screen.findByRole('dialog', { name: `Roll back ${MODEL}` });
      expect(dialog).toHaveTextContent('from version 2 to version 1');
      await userEvent.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'error rate after the swap');
      await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm rollback' }));
      expect(await screen.findByRole('status')).toHaveTextContent('Rolled back: version 1 is the champion again.');
      expect(fake.calls.find(c => c.method === 'rollback')?.args).toEqual([MODEL, { reason: 'error rate after the swap' }]);
    },
    TIMEOUT,
  );
});
