import type { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { costApiRef } from '../../api';
import { alert, createFakeCostApi } from '../../__testUtils__/fakeCostApi';
import { EntityCostContent } from './EntityCostContent';

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'recommendation-service', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:default/personalization-team' },
  };
}

describe('EntityCostContent', () => {
  it("shows the service's 90-day trend, share of the platform, month figures and its alerts", async () => {
    const fake = createFakeCostApi([
      alert({ service: 'recommendation-service', kind: 'week-over-week', message: 'recommendation-service grew 30% week over week' }),
      alert({ id: 'f3a1b2c3-d4e5-4f60-8a71-92b3c4d5e6f7' }),
    ]);
    await renderInTestApp(
      <EntityProvider entity={component({ 'platform.example.com/cost-allocation-tag': 'recommendation-service' })}>
        <EntityCostContent />
      </EntityProvider>,
      { apis: [[costApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })] },
    );
    expect(await screen.findByRole('group', { name: 'Last 90 days' })).toHaveTextContent('$362.60');
    expect(screen.getByRole('group', { name: 'Share of platform' })).toHaveTextContent('25%of $1,450.40 for the whole platform');
    expect(screen.getByRole('group', { name: 'Month to date' })).toHaveTextContent('$90.50');
    expect(screen.getByRole('group', { name: 'Forecast for the month' })).toHaveTextContent('$118.75');
    expect(screen.getByRole('figure', { name: 'Daily cost by cloud' })).toBeInTheDocument();
    expect(fake.calls.find(c => c.method === 'getDailyCosts')?.args[0]).toEqual({
      from: '2026-08-26',
      to: '2026-11-23',
      stackBy: 'cloud',
      service: 'recommendation-service',
    });
    const table = await screen.findByRole('table', { name: 'open cost alerts' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(table).toHaveTextContent('recommendation-service grew 30% week over week');
  });

  it('explains the missing annotation instead of failing', async () => {
    const fake = createFakeCostApi();
    await renderInTestApp(
      <EntityProvider entity={component({})}>
        <EntityCostContent />
      </EntityProvider>,
      { apis: [[costApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.ALLOW })] },
    );
    expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
    expect(screen.getAllByText(/platform\.example\.com\/cost-allocation-tag/).length).toBeGreaterThan(0);
    expect(fake.calls).toEqual([]);
  });
});
