import type { Entity } from '@backstage/catalog-model';

/**
 * The Prometheus label that names a service's series, when it is not the entity's name. Every target of
 * infra/local/prometheus.yml (and the charts' ServiceMonitors) carries `service="<entity name>"`.
 */
export const PROMETHEUS_SERVICE_ANNOTATION =
  'platform.example.com/prometheus-service';

export function serviceLabelOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[PROMETHEUS_SERVICE_ANNOTATION] ??
    entity.metadata.name
  );
}

/** The kit's operational routes (metrics, liveness, readiness): not the service's API, left out of every signal. */
const OPERATIONAL_ROUTES = '/metrics|/healthz|/readyz';

/** A Prometheus label value inside double quotes. */
export function quoted(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

/**
 * The golden signals of one service over `window`, from the metric names every service gets from the kit
 * (packages/service-kit/src/metrics.ts: `http_requests_total{route,method,status}`,
 * `http_request_duration_seconds`, and prom-client's default process and event-loop metrics).
 */
export function serviceQueries(service: string, window: string) {
  const own = `service="${quoted(service)}"`;
  const api = `${own},route!~"${OPERATIONAL_ROUTES}"`;
  const latency = (q: number) =>
    `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{${api}}[${window}])))`;
  return {
    up: `max(up{${own}})`,
    requestRate: `sum(rate(http_requests_total{${api}}[${window}]))`,
    // no 5xx series at all is no errors, not no data; without any request the ratio is empty (no data)
    errorRatio: `(sum(rate(http_requests_total{${api},status=~"5.."}[${window}])) or vector(0)) / sum(rate(http_requests_total{${api}}[${window}]))`,
    p50Seconds: latency(0.5),
    p95Seconds: latency(0.95),
    cpuCores: `sum(rate(process_cpu_seconds_total{${own}}[${window}]))`,
    eventLoopLagP99Seconds: `max(nodejs_eventloop_lag_p99_seconds{${own}})`,
    residentMemoryBytes: `sum(process_resident_memory_bytes{${own}})`,
  };
}

export type ServiceSignal = keyof ReturnType<typeof serviceQueries>;

/**
 * The same signals for every service at once, one series per `service` label: the home page's status. Its window
 * is long (an hour) so that a service without traffic in the last minutes still shows its latency.
 */
export function platformQueries(window: string) {
  const api = `route!~"${OPERATIONAL_ROUTES}"`;
  return {
    up: `max by (service) (up)`,
    requestRate: `sum by (service) (rate(http_requests_total{${api}}[${window}]))`,
    p95Seconds: `histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket{${api}}[${window}])))`,
  };
}

export type ServiceStatus = 'up' | 'down' | 'not scraped';

/** `up` of the service's target: 1 scraped, 0 failing to scrape, none not a target of Prometheus at all. */
export function statusOf(up: number | null): ServiceStatus {
  if (up === null) return 'not scraped';
  return up >= 1 ? 'up' : 'down';
}
