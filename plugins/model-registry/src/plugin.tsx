import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import ModelIcon from '@material-ui/icons/Memory';
import { ModelRegistryClient, modelRegistryApiRef } from './api';
import { modelRouteRef, rootRouteRef } from './routes';

const modelRegistryApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: modelRegistryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ModelRegistryClient(deps),
    }),
});

/**
 * `/models` (the list) and `/models/:name` (a model), with a "Models" item in the sidebar. The page draws its own
 * header (the heading "Models", a model's name), hence noHeader.
 */
const modelsPage = PageBlueprint.make({
  params: {
    path: '/models',
    title: 'Models',
    icon: <ModelIcon />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () => import('./components/ModelPage/ModelPage').then(m => <m.ModelRegistryRoutes />),
  },
});

/** The Model tab on the catalog page of a Resource of type ml-model. */
const entityModelContent = EntityContentBlueprint.make({
  params: {
    path: 'model',
    title: 'Model',
    filter: { kind: 'resource', 'spec.type': 'ml-model' },
    loader: () => import('./components/EntityModelContent/EntityModelContent').then(m => <m.EntityModelContent />),
  },
});

export const modelRegistryPlugin = createFrontendPlugin({
  pluginId: 'model-registry',
  info: { packageJson: () => import('../package.json') },
  extensions: [modelRegistryApi, modelsPage, entityModelContent],
  routes: { root: rootRouteRef, model: modelRouteRef },
});
