import {
  InfoCard,
  Progress,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { numberOf, prometheusApiRef } from '../api';
import { serviceLabelOf, serviceQueries, statusOf } from '../queries';
import { formatMs, formatRate, formatRatio } from './format';

const WINDOW = '5m';

/** The overview card of a service: is it up, and its request rate, P95 and error rate over the last 5 minutes. */
export function MetricsCard() {
  const { entity } = useEntity();
  const prometheus = useApi(prometheusApiRef);
  const service = serviceLabelOf(entity);
  const state = useAsync(async () => {
    const queries = serviceQueries(service, WINDOW);
    const at = new Date();
    const [up, rate, p95, errors] = await Promise.all(
      [
        queries.up,
        queries.requestRate,
        queries.p95Seconds,
        queries.errorRatio,
      ].map(q => prometheus.query(q, at)),
    );
    return {
      up: numberOf(up[0]),
      rate: numberOf(rate[0]),
      p95: numberOf(p95[0]),
      errors: numberOf(errors[0]),
    };
  }, [prometheus, service]);

  return (
    <InfoCard
      title="Live signals"
      subheader={`Prometheus, service="${service}", last ${WINDOW}`}
    >
      <div role="region" aria-label="Live signals">
        {state.loading && <Progress />}
        {state.error && (
          <WarningPanel
            title="Prometheus does not answer"
            message={state.error.message}
          />
        )}
        {state.value && (
          <StructuredMetadataTable
            metadata={{
              status: statusOf(state.value.up),
              'request rate': formatRate(state.value.rate),
              'latency (P95)': formatMs(state.value.p95),
              'error rate': formatRatio(state.value.errors),
            }}
          />
        )}
      </div>
    </InfoCard>
  );
}
