import {
  Progress,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import Chip from '@material-ui/core/Chip';
import useAsync from 'react-use/esm/useAsync';
import { numberOf, prometheusApiRef } from '../api';
import {
  platformQueries,
  serviceLabelOf,
  ServiceStatus,
  statusOf,
} from '../queries';
import { formatMs, formatRate } from './format';

const WINDOW = '1h';
const STATUS_COLOR: Record<ServiceStatus, string> = {
  up: '#c8e6c9',
  down: '#ffcdd2',
  'not scraped': '#eeeeee',
};

interface Row {
  entity: Entity;
  title: string;
  service: string;
  status: ServiceStatus;
  p95: number | null;
  rate: number | null;
}

/**
 * The home page's platform status: every service of the catalog (Components of type service), up or down and its P95
 * and request rate over the last hour, in three queries for all of them.
 */
export function PlatformStatus() {
  const catalog = useApi(catalogApiRef);
  const prometheus = useApi(prometheusApiRef);
  const state = useAsync(async () => {
    const { items } = await catalog.getEntities({
      filter: { kind: 'component', 'spec.type': 'service' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'metadata.annotations',
      ],
    });
    const queries = platformQueries(WINDOW);
    const at = new Date();
    const [up, rate, p95] = await Promise.all(
      [queries.up, queries.requestRate, queries.p95Seconds].map(q =>
        prometheus.query(q, at),
      ),
    );
    const of = (series: typeof up, service: string) =>
      numberOf(series.find(s => s.metric.service === service));
    return items
      .map((entity): Row => {
        const service = serviceLabelOf(entity);
        const upValue = of(up, service);
        return {
          entity,
          title: entity.metadata.title ?? entity.metadata.name,
          service,
          status: statusOf(upValue),
          p95: of(p95, service),
          rate: of(rate, service),
        };
      })
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalog, prometheus]);

  if (state.loading) return <Progress />;
  if (state.error)
    return (
      <WarningPanel
        title="Platform status unavailable"
        message={state.error.message}
      />
    );
  const rows = state.value!;
  const up = rows.filter(r => r.status === 'up').length;

  const columns: TableColumn<Row>[] = [
    {
      title: 'Service',
      field: 'title',
      render: row => <EntityRefLink entityRef={row.entity} title={row.title} />,
    },
    {
      title: 'Status',
      field: 'status',
      render: row => (
        <Chip
          size="small"
          label={row.status}
          style={{ backgroundColor: STATUS_COLOR[row.status] }}
        />
      ),
    },
    { title: 'P95 (1 h)', field: 'p95', render: row => formatMs(row.p95) },
    {
      title: 'Requests (1 h)',
      field: 'rate',
      render: row => formatRate(row.rate),
    },
  ];

  return (
    <div role="region" aria-label="Platform status">
      <Table<Row>
        title={`${up} of ${rows.length} services up`}
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={rows}
      />
    </div>
  );
}
