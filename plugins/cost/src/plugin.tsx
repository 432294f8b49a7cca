import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
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

export const costPlugin = createFrontendPlugin({
  pluginId: 'cost',
  info: { packageJson: () => import('../package.json') },
  extensions: [costApi, costPage, entityCostContent],
  routes: { root: rootRouteRef },
});
