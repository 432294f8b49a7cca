import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { ModelRegistryApiError, modelRegistryApiRef } from '../../api';
import { createFakeModelRegistryApi } from '../../__testUtils__/fakeModelRegistryApi';
import { ModelsPage } from './ModelsPage';

const TIMEOUT = 60_000;

describe('ModelsPage', () => {
  it(
    'lists each model with its champion, challenger, last training time and catalog owner',
    async () => {
      const fake = createFakeModelRegistryApi();
      await renderInTestApp(<ModelsPage />, {
        apis: [[modelRegistryApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
      });
      expect(screen.getByRole('heading', { name: 'Models' })).toBeInTheDocument();
      const table = await screen.findByRole('table', { name: 'Registered models' });
      const row = within(table).getByRole('row', { name: /recommendation-ranker/ });
      const cells = within(row).getAllByRole('cell');
      expect(cells.map(c => c.textContent)).toEqual([
        'recommendation-rankerModel recommendation-ranker',
        'version 2',
        'version 3',
        '2026-11-23 08:00 UTC',
        'personalization-team',
      ]);
      expect(within(row).getByRole('link', { name: 'recommendation-ranker' })).toBeInTheDocument();
      expect(within(table).getByRole('row', { name: /search-ranker/ })).toHaveTextContent('not in the catalog');
    },
    TIMEOUT,
  );

  it(
    "shows the backend's message when MLflow is down",
    async () => {
      const fake = createFakeModelRegistryApi({
        failWith: new ModelRegistryApiError(503, 'MLflow is unreachable at http://mlflow:5000: fetch failed (ECONNREFUSED)', 'REGISTRY_UNAVAILABLE'),
      });
      await renderInTestApp(<ModelsPage />, {
        apis: [[modelRegistryApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
      });
      const alert = await screen.findByRole('alert', { name: 'Model registry unavailable' });
      expect(alert).toHaveTextContent('MLflow is unreachable at http://mlflow:5000');
      expect(screen.queryByRole('table')).not.toBeInTheDocument();
    },
    TIMEOUT,
  );
});
