import {
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { pointsOf, prometheusApiRef } from '../api';
import { serviceLabelOf, serviceQueries, ServiceSignal } from '../queries';
import { formatTime } from './format';

/**
 * The last hour, a point every 15 s (the scrape interval of the platform's Prometheus), refreshed as often; the
 * window of each rate is 1 minute, so a point reflects its own traffic and a new service draws its first line within
 * half a minute of traffic.
 */
const RANGE_MS = 60 * 60 * 1000;
const STEP_S = 15;
const WINDOW = '1m';
const REFRESH_MS = 15_000;

interface ChartSpec {
  title: string;
  unit: string;
  lines: Array<{ signal: ServiceSignal; name: string; scale: number }>;
}

const CHARTS: ChartSpec[] = [
  {
    title: 'Request rate',
    unit: 'req/s',
    lines: [{ signal: 'requestRate', name: 'requests/s', scale: 1 }],
  },
  {
    title: 'Error rate',
    unit: '%',
    lines: [{ signal: 'errorRatio', name: '5xx %', scale: 100 }],
  },
  {
    title: 'Latency',
    unit: 'ms',
    lines: [
      { signal: 'p50Seconds', name: 'P50', scale: 1000 },
      { signal: 'p95Seconds', name: 'P95', scale: 1000 },
    ],
  },
  {
    title: 'CPU',
    unit: '% of a core',
    lines: [{ signal: 'cpuCores', name: 'CPU %', scale: 100 }],
  },
  {
    title: 'Event-loop lag',
    unit: 'ms',
    lines: [{ signal: 'eventLoopLagP99Seconds', name: 'P99 lag', scale: 1000 }],
  },
  {
    title: 'Memory',
    unit: 'MB resident',
    lines: [{ signal: 'residentMemoryBytes', name: 'RSS MB', scale: 1 / 1e6 }],
  },
];

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e'];

type Row = { t: number } & Record<string, number | null>;

function rowsOf(
  spec: ChartSpec,
  series: Partial<Record<ServiceSignal, ReturnType<typeof pointsOf>>>,
): Row[] {
  const byTime = new Map<number, Row>();
  for (const line of spec.lines) {
    for (const { t, v } of series[line.signal] ?? []) {
      const row = byTime.get(t) ?? ({ t } as Row);
      row[line.name] = v === null ? null : v * line.scale;
      byTime.set(t, row);
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/**
 * The Metrics tab of a service: request rate, error rate, P50/P95 latency and saturation (CPU, event-loop lag,
 * memory) over the last hour, from the
 * local Prometheus (or the cluster's) through the portal backend.
 */
export function MetricsContent() {
  const { entity } = useEntity();
  const prometheus = useApi(prometheusApiRef);
  const service = serviceLabelOf(entity);

  const state = useAsyncRetry(async () => {
    const end = new Date();
    const start = new Date(end.getTime() - RANGE_MS);
    const queries = serviceQueries(service, WINDOW);
    const signals = Object.keys(queries) as ServiceSignal[];
    const answers = await Promise.all(
      signals.map(signal =>
        prometheus.queryRange(queries[signal], {
          start,
          end,
          stepSeconds: STEP_S,
        }),
      ),
    );
    return Object.fromEntries(
      signals.map((signal, i) => [signal, pointsOf(answers[i][0])]),
    ) as Record<ServiceSignal, ReturnType<typeof pointsOf>>;
  }, [prometheus, service]);
  useInterval(state.retry, REFRESH_MS);

  if (state.loading && !state.value) return <Progress />;
  if (state.error)
    return (
      <ResponseErrorPanel
        error={state.error}
        title="Prometheus does not answer"
      />
    );
  const series = state.value!;
  const hasTraffic = series.requestRate.some(p => p.v !== null && p.v > 0);
  const hasAny = (Object.keys(series) as ServiceSignal[])
    .filter(signal => signal !== 'up')
    .some(signal => series[signal].some(p => p.v !== null));

  if (!hasAny) {
    const lastUp = [...series.up].reverse().find(p => p.v !== null)?.v;
    let why = `Prometheus has no series labelled service="${service}" in the last hour: is it a target (infra/local/prometheus.yml, or its ServiceMonitor)?`;
    if (lastUp === 0)
      why = `Prometheus cannot scrape ${service}: the service is down or not started.`;
    return (
      <EmptyState
        missing="data"
        title={`No metrics for ${service} yet`}
        description={why}
      />
    );
  }

  return (
    <Content>
      <Typography variant="body2" paragraph>
        {`Series labelled service="${service}", last hour, ${WINDOW} rates, refreshed every ${
          REFRESH_MS / 1000
        } s.`}
        {!hasTraffic &&
          ' No API requests in the last hour: latency and errors stay empty until there are some.'}
      </Typography>
      <Grid container spacing={3}>
        {CHARTS.map(spec => {
          const rows = rowsOf(spec, series);
          return (
            <Grid item xs={12} md={6} key={spec.title}>
              <Paper
                component="figure"
                aria-label={spec.title}
                style={{ margin: 0, padding: 16 }}
              >
                <Typography variant="h6" component="figcaption">
                  {spec.title}{' '}
                  <Typography variant="caption">({spec.unit})</Typography>
                </Typography>
                <ResponsiveContainer width="100%" height={220}>
                  <LineChart data={rows}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis
                      dataKey="t"
                      type="number"
                      domain={['dataMin', 'dataMax']}
                      tickFormatter={formatTime}
                      scale="time"
                    />
                    <YAxis width={60} />
                    <Tooltip
                      labelFormatter={value => formatTime(Number(value))}
                    />
                    <Legend />
                    {spec.lines.map((line, i) => (
                      <Line
                        key={line.name}
                        dataKey={line.name}
                        stroke={COLORS[i]}
                        dot={false}
                        connectNulls={false}
                        isAnimationActive={false}
                      />
                    ))}
                  </LineChart>
                </ResponsiveContainer>
                <Typography
                  variant="body2"
                  aria-label={`${spec.title}, latest`}
                >
                  {spec.lines
                    .map(line => {
                      const latest = [...rows]
                        .reverse()
                        .find(r => typeof r[line.name] === 'number');
                      return `${line.name}: ${
                        latest
                          ? `${(latest[line.name] as number).toFixed(2)} ${
                              spec.unit
                            }`
                          : 'no data'
                      }`;
                    })
                    .join(' · ')}
                </Typography>
              </Paper>
            </Grid>
          );
        })}
      </Grid>
    </Content>
  );
}
