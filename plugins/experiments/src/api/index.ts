import { createApiRef } from '@backstage/frontend-plugin-api';
import type { ExperimentsApi } from '@internal/plugin-experiments-common';

export const experimentsApiRef = createApiRef<ExperimentsApi>().with({ id: 'plugin.experiments.api', pluginId: 'experiments' });
export { ExperimentsClient, ExperimentsApiError } from './ExperimentsClient';
