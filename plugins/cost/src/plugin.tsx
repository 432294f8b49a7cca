import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import MoneyIcon from '@material-ui/icons/AttachMoney';
import { CostClient, costApiRef } from './api';

export const rootRouteRef = createRouteRef();

const costApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: costApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CostClient(deps),
    }),
});

/** `/cost`, with a "Cost" item in the sidebar (pages with a title and icon become nav items). */
const costPage = PageBlueprint.make({
  params: {
    path: '/cost',
    title: 'Cost',
    icon: <MoneyIcon />,
    routeRef: rootRouteRef,
    loader: () => import('./components/CostPage/CostPage').then(m => <m.CostPage />),
  },
});

/** The Cost tab on Component pages; the content explains itself when the annotation is missing. */
const entityCostContent = EntityContentBlueprint.make({
  params: {
    path: 'cost',
    title: 'Cost',
    filter: 'kind:component',
    loader: () => import('./components/EntityCostContent/EntityCostContent').then(m => <m.EntityCostContent />),
  },
});

/** The home page's cost card: month to date against the budget. */
const costWidget = HomePageWidgetBlueprint.make({
  name: 'cost',
  params: {
    name: 'CostThisMonth',
    title: 'Cost this month',
    description: 'Month-to-date cost of the platform against its budget, and the forecast',
    components: async () => {
      const { CostWidget } = await import('./components/CostWidget/CostWidget');
      return { Content: () => <CostWidget /> };
    },
  },
});

export const costPlugin = createFrontendPlugin({
  pluginId: 'cost',
  info: { packageJson: () => import('../package.json') },
  extensions: [costApi, costPage, entityCostContent, costWidget],
  routes: { root: rootRouteRef },
});
