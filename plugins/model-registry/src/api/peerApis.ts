import { createApiRef } from '@backstage/frontend-plugin-api';
import type { CostApi } from '@internal/plugin-cost-common';
import type { ExperimentsApi } from '@internal/plugin-experiments-common';

/*
 * The APIs of the experiments and cost plugins, which the service Model tab reads. Their refs live in those plugins'
 * frontend packages, and a frontend plugin may not import another (@backstage/no-mixed-plugin-imports); an API ref
 * is resolved by its id, so these are the same APIs, provided by those plugins when they are installed. The ids
 * must stay those of plugins/experiments/src/api/index.ts and plugins/cost/src/api/index.ts (until the refs move to
 * -react packages).
 */

/** `plugin.experiments.api` of the experiments plugin. */
export const experimentsApiRef = createApiRef<ExperimentsApi>().with({ id: 'plugin.experiments.api', pluginId: 'experiments' });

/** `plugin.cost.api` of the cost plugin. */
export const costApiRef = createApiRef<CostApi>().with({ id: 'plugin.cost.api', pluginId: 'cost' });
