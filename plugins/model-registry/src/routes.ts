import { createExternalRouteRef, createRouteRef, createSubRouteRef } from '@backstage/frontend-plugin-api';

/** `/models`: the Models page. */
export const rootRouteRef = createRouteRef();

/** `/models/:name`: one model. */
export const modelRouteRef = createSubRouteRef({ path: '/:name', parent: rootRouteRef });

/** An experiment's page in the experiments plugin (bound by default to its `experiment` route when it is installed). */
export const experimentRouteRef = createExternalRouteRef({ params: ['key'], defaultTarget: 'experiments.experiment' });
