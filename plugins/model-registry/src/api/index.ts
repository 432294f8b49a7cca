import { createApiRef } from '@backstage/frontend-plugin-api';
import type { ModelRegistryApi } from '@internal/plugin-model-registry-common';

export const modelRegistryApiRef = createApiRef<ModelRegistryApi>().with({
  id: 'plugin.model-registry.api',
  pluginId: 'model-registry',
});
export { ModelRegistryClient, ModelRegistryApiError } from './ModelRegistryClient';
