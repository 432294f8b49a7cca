import { createRouteRef, createSubRouteRef } from '@backstage/frontend-plugin-api';

/** `/models`: the Models page. */
export const rootRouteRef = createRouteRef();

/** `/models/:name`: one model. */
export const modelRouteRef = createSubRouteRef({ path: '/:name', parent: rootRouteRef });
