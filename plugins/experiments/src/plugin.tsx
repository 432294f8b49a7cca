import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { EXPERIMENTS_ANNOTATION } from '@internal/plugin-experiments-common';
import ExperimentIcon from '@material-ui/icons/CallSplit';
import { ExperimentsClient, experimentsApiRef } from './api';
import { experimentRouteRef, rootRouteRef } from './routes';

const experimentsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: experimentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ExperimentsClient(deps),
    }),
});

/** `/experiments` (the list) and `/experiments/:key` (one experiment), with an "Experiments" item in the sidebar. */
const experimentsPage = PageBlueprint.make({
  params: {
    path: '/experiments',
    title: 'Experiments',
    icon: <ExperimentIcon />,
    routeRef: rootRouteRef,
    loader: () => import('./components/ExperimentsPage/ExperimentsRoutes').then(m => <m.ExperimentsRoutes />),
  },
});

/** The Experiments tab, on entities that name their experiments in the annotation only. */
const entityExperimentsContent = EntityContentBlueprint.make({
  params: {
    path: 'experiments',
    title: 'Experiments',
    filter: entity => Boolean(entity.metadata.annotations?.[EXPERIMENTS_ANNOTATION]),
    loader: () =>
      import('./components/EntityExperimentsContent/EntityExperimentsContent').then(m => <m.EntityExperimentsContent />),
  },
});

/** The home page's card: running experiments. */
const runningExperimentsWidget = HomePageWidgetBlueprint.make({
  name: 'running-experiments',
  params: {
    name: 'RunningExperiments',
    title: 'Running experiments',
    description: 'Every running experiment with its split, SRM state and verdict',
    components: async () => {
      const { RunningExperimentsWidget } = await import('./components/RunningExperimentsWidget/RunningExperimentsWidget');
      return { Content: () => <RunningExperimentsWidget /> };
    },
  },
});

export const experimentsPlugin = createFrontendPlugin({
  pluginId: 'experiments',
  info: { packageJson: () => import('../package.json') },
  extensions: [experimentsApi, experimentsPage, entityExperimentsContent, runningExperimentsWidget],
  routes: { root: rootRouteRef, experiment: experimentRouteRef },
});
