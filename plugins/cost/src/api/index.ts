import { createApiRef } from '@backstage/frontend-plugin-api';
import type { CostApi } from '@internal/plugin-cost-common';

export const costApiRef = createApiRef<CostApi>().with({ id: 'plugin.cost.api', pluginId: 'cost' });
export { CostClient, CostApiError } from './CostClient';
