import type { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { experimentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeExperimentsApi } from '../../__testUtils__/fakeExperimentsApi';
import { EntityExperimentsContent, experimentKeysOf } from './EntityExperimentsContent';

jest.setTimeout(60_000);

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'recommendation-service', title: 'Recommendation Service', annotations },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'group:personalization-team' },
  };
}

describe('EntityExperimentsContent', () => {
  it("lists the entity's experiments with their verdict, and names the keys the service does not know", async () => {
    const fake = createFakeExperimentsApi();
    await renderInTestApp(
      <EntityProvider entity={component({ 'platform.example.com/experiments': 'recommendation-ranking, ranking-typo' })}>
        <EntityExperimentsContent />
      </EntityProvider>,
      {
        apis: [[experimentsApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
        mountedRoutes: { '/experiments': rootRouteRef },
      },
    );
    const table = await screen.findByRole('table', { name: 'Experiments of Recommendation Service' });
    const row = within(table).getByRole('row', { name: /^recommendation-ranking/ });
    expect(row).toHaveTextContent('90/10');
    expect(row).toHaveTextContent('treatment wins on ctr (+40%)');
    expect(within(row).getByRole('link', { name: 'recommendation-ranking' })).toHaveAttribute('href', '/experiments/recommendation-ranking');
    expect(screen.getByText(/Not found in the A\/B testing service: ranking-typo/)).toBeInTheDocument();
  });

  it('explains the missing annotation instead of failing', async () => {
    const fake = createFakeExperimentsApi();
    await renderInTestApp(
      <EntityProvider entity={component({})}>
        <EntityExperimentsContent />
      </EntityProvider>,
      { apis: [[experimentsApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })] },
    );
    expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
    expect(fake.calls).toEqual([]);
  });

  it('reads comma-separated keys', () => {
    expect(experimentKeysOf('a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(experimentKeysOf(undefined)).toEqual([]);
  });
});
