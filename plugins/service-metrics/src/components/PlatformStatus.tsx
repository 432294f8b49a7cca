import { Link, Progress, WarningPanel } from '@backstage/core-components';
import { configApiRef, useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef, type Entity } from '@backstage/catalog-model';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { numberOf, prometheusApiRef } from '../api';
import { platformQueries, serviceLabelOf, ServiceStatus, statusOf } from '../queries';
import { formatMs, formatRate } from './format';

const WINDOW = '1h';
const STATUS_COLOR: Record<ServiceStatus, string> = { up: '#c8e6c9', down: '#ffcdd2', 'not scraped': '#eeeeee' };

interface Row {
  entity: Entity;
  title: string;
  status: ServiceStatus;
  p95: number | null;
  rate: number | null;
}

/** The entity page's route parameters, lower-cased as the catalog's own links are. */
function routeParamsOf(entity: Entity) {
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  return { kind: kind.toLocaleLowerCase('en-US'), namespace: namespace.toLocaleLowerCase('en-US'), name };
}

/**
 * The home page's platform status: every service of the platform's systems (Components of type service), up or down
 * and its P95 and request rate over the last hour, in three queries for all of them.
 */
export function PlatformStatus() {
  const catalog = useApi(catalogApiRef);
  const prometheus = useApi(prometheusApiRef);
  const config = useApi(configApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  // the platform's own systems (app-config: serviceMetrics.platformStatus.systems); every service when not set. A
  // catalog of thousands of other teams' components would otherwise be thousands of rows and one large query.
  const systems = config.getOptionalStringArray('serviceMetrics.platformStatus.systems');
  const state = useAsync(async () => {
    const { items } = await catalog.getEntities({
      filter: { kind: 'component', 'spec.type': 'service', ...(systems?.length ? { 'spec.system': systems } : {}) },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'metadata.annotations'],
    });
    const queries = platformQueries(WINDOW);
    const at = new Date();
    const [up, rate, p95] = await Promise.all(
      [queries.up, queries.requestRate, queries.p95Seconds].map(q => prometheus.query(q, at)),
    );
    const of = (series: typeof up, service: string) => numberOf(series.find(s => s.metric.service === service));
    return items
      .map((entity): Row => {
        const service = serviceLabelOf(entity);
        return {
          entity,
          title: entity.metadata.title ?? entity.metadata.name,
          status: statusOf(of(up, service)),
          p95: of(p95, service),
          rate: of(rate, service),
        };
      })
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalog, prometheus, systems?.join(',')]);

  if (state.loading) return <Progress />;
  if (state.error) return <WarningPanel title="Platform status unavailable" message={state.error.message} />;
  const rows = state.value!;
  const up = rows.filter(r => r.status === 'up').length;

  return (
    <div role="region" aria-label="Platform status">
      <Typography variant="h6" component="h3">{`${up} of ${rows.length} services up`}</Typography>
      <Table size="small" aria-label="Services">
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>P95 (1 h)</TableCell>
            <TableCell>Requests (1 h)</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => (
            <TableRow key={`${row.entity.metadata.namespace}/${row.entity.metadata.name}`}>
              <TableCell>
                {entityRoute ? <Link to={entityRoute(routeParamsOf(row.entity))}>{row.title}</Link> : row.title}
              </TableCell>
              <TableCell>
                <Chip size="small" label={row.status} style={{ backgroundColor: STATUS_COLOR[row.status] }} />
              </TableCell>
              <TableCell>{formatMs(row.p95)}</TableCell>
              <TableCell>{formatRate(row.rate)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
