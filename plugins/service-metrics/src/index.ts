/**
 * Live metrics of the platform's services from Prometheus (new frontend system): the Metrics tab and the "Live
 * signals" overview card of every service entity, and the home page's platform status.
 *
 * @packageDocumentation
 */
export { serviceMetricsPlugin as default } from './plugin';
export {
  prometheusApiRef,
  PrometheusClient,
  PrometheusUnavailableError,
  numberOf,
  pointsOf,
} from './api';
export type { PrometheusApi, PrometheusSeries } from './api';
export {
  PROMETHEUS_SERVICE_ANNOTATION,
  platformQueries,
  serviceLabelOf,
  serviceQueries,
} from './queries';
