import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MLFLOW_MODEL_ANNOTATION } from '@internal/plugin-model-registry-common';
import ModelIcon from '@material-ui/icons/Memory';
import { ModelRegistryClient, modelRegistryApiRef } from './api';
import { experimentRouteRef, modelRouteRef, rootRouteRef } from './routes';

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

/**
 * The Model tab of a Component that serves a registered model (it carries the annotation): what the running service
 * serves per variant, the experiment comparing them, the service's cost and its live signals.
 */
const entityServiceModelContent = EntityContentBlueprint.make({
  name: 'service',
  params: {
    path: 'model',
    title: 'Model',
    filter: entity => entity.kind.toLowerCase() === 'component' && Boolean(entity.metadata.annotations?.[MLFLOW_MODEL_ANNOTATION]),
    loader: () =>
      import('./components/EntityServiceModelContent/EntityServiceModelContent').then(m => <m.EntityServiceModelContent />),
  },
});

/** The home page's card: models in production. */
const servingModelsWidget = HomePageWidgetBlueprint.make({
  name: 'serving-models',
  params: {
    name: 'ServingModels',
    title: 'Models in production',
    description: "Each registered model's champion and challenger versions",
    components: async () => {
      const { ServingModelsWidget } = await import('./components/ServingModelsWidget/ServingModelsWidget');
      return { Content: () => <ServingModelsWidget /> };
    },
  },
});

export const modelRegistryPlugin = createFrontendPlugin({
  pluginId: 'model-registry',
  info: { packageJson: () => import('../package.json') },
  extensions: [modelRegistryApi, modelsPage, entityModelContent, entityServiceModelContent, servingModelsWidget],
  routes: { root: rootRouteRef, model: modelRouteRef },
  externalRoutes: { experiment: experimentRouteRef },
});
