import type { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { modelRegistryApiRef } from '../../api';
import { MODEL, createFakeModelRegistryApi } from '../../__testUtils__/fakeModelRegistryApi';
import { EntityModelContent } from './EntityModelContent';

function resource(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'recommendation-ranker', annotations },
    spec: { type: 'ml-model', owner: 'group:default/personalization-team' },
  };
}

describe('EntityModelContent', () => {
  it(
    'shows the model page of the registered model the annotation names',
    async () => {
      const fake = createFakeModelRegistryApi();
      await renderInTestApp(
        <EntityProvider entity={resource({ 'platform.example.com/mlflow-model': MODEL })}>
          <EntityModelContent />
        </EntityProvider>,
        { apis: [[modelRegistryApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.DENY })] },
      );
      expect(await screen.findByRole('table', { name: 'Versions' })).toBeInTheDocument();
      expect(screen.getByRole('group', { name: 'Champion' })).toHaveTextContent('version 2');
      expect(fake.calls.find(c => c.method === 'getModel')?.args).toEqual([MODEL]);
    },
    60_000,
  );

  it(
    'explains the missing annotation instead of failing',
    async () => {
      const fake = createFakeModelRegistryApi();
      await renderInTestApp(
        <EntityProvider entity={resource({})}>
          <EntityModelContent />
        </EntityProvider>,
        { apis: [[modelRegistryApiRef, fake.api], mockApis.permission({ authorize: AuthorizeResult.DENY })] },
      );
      expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
      expect(fake.calls).toEqual([]);
    },
    60_000,
  );
});
