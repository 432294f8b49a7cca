import { createRouteRef, createSubRouteRef } from '@backstage/frontend-plugin-api';

/** `/experiments`: the list. */
export const rootRouteRef = createRouteRef();

/** `/experiments/:key`: one experiment. */
export const experimentRouteRef = createSubRouteRef({ path: '/:key', parent: rootRouteRef });
