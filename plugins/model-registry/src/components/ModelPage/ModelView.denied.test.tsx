import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { modelRegistryApiRef } from '../../api';
import { MODEL, createFakeModelRegistryApi } from '../../__testUtils__/fakeModelRegistryApi';
import { ModelView } from './ModelView';

// Its own file: usePermission caches decisions per process, so an ALLOW elsewhere would leak in.
describe('ModelView without the promote and rollback permissions', () => {
  it(
    'shows the model but no Promote or Roll back button',
    async () => {
      const fake = createFakeModelRegistryApi();
      await renderInTestApp(<ModelView name={MODEL} />, {
        apis: [[modelRegistryApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.DENY })],
      });
      expect(await screen.findByRole('table', { name: 'Versions' })).toBeInTheDocument();
      expect(screen.getByRole('table', { name: 'Alias history' })).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Promote' })).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Roll back' })).not.toBeInTheDocument();
    },
    60_000,
  );
});
