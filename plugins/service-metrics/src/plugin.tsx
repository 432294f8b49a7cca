import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { PrometheusClient, prometheusApiRef } from './api';

const prometheusApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: prometheusApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new PrometheusClient(deps),
    }),
});

/** Every Component of type service exposes the kit's metrics. */
const isService = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component' &&
  entity.spec?.type === 'service';

const metricsContent = EntityContentBlueprint.make({
  params: {
    path: 'metrics',
    title: 'Metrics',
    filter: isService,
    loader: () =>
      import('./components/MetricsContent').then(m => <m.MetricsContent />),
  },
});

const metricsCard = EntityCardBlueprint.make({
  params: {
    type: 'info',
    filter: isService,
    loader: () =>
      import('./components/MetricsCard').then(m => <m.MetricsCard />),
  },
});

const platformStatusWidget = HomePageWidgetBlueprint.make({
  name: 'platform-status',
  params: {
    name: 'PlatformStatus',
    title: 'Platform status',
    description:
      'Every service of the catalog: up or down, P95 and request rate from Prometheus',
    layout: {
      height: { minRows: 6, defaultRows: 10 },
      width: { minColumns: 4, defaultColumns: 6 },
    },
    components: async () => {
      const { PlatformStatus } = await import('./components/PlatformStatus');
      return { Content: () => <PlatformStatus /> };
    },
  },
});

export const serviceMetricsPlugin = createFrontendPlugin({
  pluginId: 'service-metrics',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    prometheusApi,
    metricsContent,
    metricsCard,
    platformStatusWidget,
  ],
});
