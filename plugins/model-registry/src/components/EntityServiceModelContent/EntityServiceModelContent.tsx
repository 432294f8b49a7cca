import { stringifyEntityRef } from '@backstage/catalog-model';
import { Content, Link } from '@backstage/core-components';
import { type ApiRef, useApi, useApiHolder, useRouteRef } from '@backstage/frontend-plugin-api';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import { COST_ALLOCATION_ANNOTATION, type CostApi } from '@internal/plugin-cost-common';
import {
  EXPERIMENTS_ANNOTATION,
  verdictOf,
  type Experiment,
  type ExperimentResults,
  type ExperimentsApi,
} from '@internal/plugin-experiments-common';
import { MLFLOW_MODEL_ANNOTATION, type GoldenSignals, type ServedVariant } from '@internal/plugin-model-registry-common';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { type ReactNode, useEffect } from 'react';
import { Line, LineChart, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { modelRegistryApiRef } from '../../api';
import { costApiRef, experimentsApiRef } from '../../api/peerApis';
import { experimentRouteRef, modelRouteRef } from '../../routes';
import { formatTime } from '../shared/format';
import { SourceCard } from './SourceCard';

/** How often the Live signals card asks again. */
const SIGNALS_REFRESH_MS = 30_000;

/** The keys in `platform.example.com/experiments`: `recommendation-ranking` or `a, b`. */
export function experimentKeysOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(key => key.trim())
    .filter(Boolean);
}

/**
 * The Model tab of a Component that serves a registered model (`platform.example.com/mlflow-model`): what the
 * running service serves per variant, the experiment comparing them with its verdict, the service's cost and its
 * live golden signals. Each card reads its own source and degrades on its own.
 */
export function EntityServiceModelContent() {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const model = annotations[MLFLOW_MODEL_ANNOTATION];
  if (!model) {
    return (
      <Content>
        <MissingAnnotationEmptyState annotation={MLFLOW_MODEL_ANNOTATION} />
      </Content>
    );
  }
  const entityRef = stringifyEntityRef(entity);
  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} lg={6}>
          <ServingNowCard entityRef={entityRef} model={model} />
        </Grid>
        <Grid item xs={12} lg={6}>
          <ExperimentCard keys={experimentKeysOf(annotations[EXPERIMENTS_ANNOTATION])} />
        </Grid>
        <Grid item xs={12} lg={6}>
          <CostCard tag={annotations[COST_ALLOCATION_ANNOTATION]} />
        </Grid>
        <Grid item xs={12} lg={6}>
          <LiveSignalsCard entityRef={entityRef} />
        </Grid>
      </Grid>
    </Content>
  );
}

/** A labelled figure: `role="group"` named by its label, so a test or a screen reader finds "P95 latency". */
function Figure({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div role="group" aria-label={label} style={{ marginBottom: 12 }}>
      <Typography variant="caption" color="textSecondary" component="div">
        {label}
      </Typography>
      <Typography variant="h6" component="div">
        {value}
      </Typography>
      {hint && (
        <Typography variant="caption" color="textSecondary" component="div">
          {hint}
        </Typography>
      )}
    </div>
  );
}

function VersionLink({ model, version }: { model: string; version: string }) {
  const modelLink = useRouteRef(modelRouteRef);
  const text = `version ${version}`;
  return modelLink ? <Link to={modelLink({ name: model })}>{text}</Link> : <>{text}</>;
}

function servedCell(model: string, v: ServedVariant) {
  if (v.version) return <VersionLink model={model} version={v.version} />;
  if (v.servedVersion)
    return (
      <>
        none: served by {v.servedAlias} (<VersionLink model={model} version={v.servedVersion} />)
      </>
    );
  return 'nothing loaded';
}

function ServingNowCard({ entityRef, model }: { entityRef: string; model: string }) {
  const api = useApi(modelRegistryApiRef);
  const modelLink = useRouteRef(modelRouteRef);
  const status = useAsync(() => api.getServingStatus(entityRef), [api, entityRef]);
  const value = status.value;
  let registry: ReactNode = null;
  if (value?.registryUp === false)
    registry = `MLflow is unreachable for the service (last contact ${value.lastRegistryContactAt ? formatTime(value.lastRegistryContactAt) : 'never'}): it keeps serving these versions.`;
  else if (value?.registryUp === null) registry = 'The service has not finished its first look at the registry yet.';

  return (
    <SourceCard
      title="Serving now"
      subheader={value ? `Read from the running service at ${formatTime(value.fetchedAt)}` : 'Read from the running service'}
      loading={status.loading}
      error={status.error}
      errorTitle="Serving status unavailable"
    >
      {value && (
        <>
          <Table size="small" aria-label="Served versions">
            <TableHead>
              <TableRow>
                <TableCell>Variant</TableCell>
                <TableCell>Alias</TableCell>
                <TableCell>Version</TableCell>
                <TableCell>Serving since</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.variants.map(v => (
                <TableRow key={v.variant}>
                  <TableCell>{v.variant}</TableCell>
                  <TableCell>{v.alias}</TableCell>
                  <TableCell>{servedCell(value.model, v)}</TableCell>
                  <TableCell>{v.loadedAt ? formatTime(v.loadedAt) : '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {registry && (
            <Typography variant="body2" color="error" style={{ marginTop: 8 }}>
              {registry}
            </Typography>
          )}
          <Typography variant="body2" style={{ marginTop: 8 }}>
            {modelLink ? <Link to={modelLink({ name: model })}>Model {model}</Link> : `Model ${model}`}: versions, metrics and
            alias history.
          </Typography>
        </>
      )}
    </SourceCard>
  );
}

/** The API of another plugin, or undefined when that plugin is not installed in the portal. */
function useOptionalApi<T>(ref: ApiRef<T>): T | undefined {
  return useApiHolder().get(ref);
}

interface ExperimentSummary {
  key: string;
  experiment?: Experiment;
  results?: ExperimentResults | null;
  resultsError?: Error;
  missing?: boolean;
}

async function summarise(api: ExperimentsApi, key: string): Promise<ExperimentSummary> {
  let experiment: Experiment;
  try {
    experiment = await api.getExperiment(key);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { key, missing: true };
    throw error;
  }
  try {
    return { key, experiment, results: await api.getResults(key) };
  } catch (error) {
    return { key, experiment, resultsError: error as Error };
  }
}

function ExperimentCard({ keys }: { keys: string[] }) {
  const api = useOptionalApi<ExperimentsApi>(experimentsApiRef);
  const experimentLink = useRouteRef(experimentRouteRef);
  const data = useAsync(async () => {
    if (!api) throw new Error('The experiments plugin is not installed in this portal.');
    return Promise.all(keys.map(key => summarise(api, key)));
  }, [api, keys.join(',')]);

  if (keys.length === 0) {
    return (
      <SourceCard title="Experiment">
        <Typography variant="body2">
          No experiment named: the {EXPERIMENTS_ANNOTATION} annotation lists the experiments comparing this service's
          variants.
        </Typography>
      </SourceCard>
    );
  }
  return (
    <SourceCard title="Experiment" subheader="From the A/B testing service" loading={data.loading} error={data.error} errorTitle="Experiments unavailable">
      {data.value?.map(({ key, experiment, results, resultsError, missing }) => (
        <div key={key} style={{ marginBottom: 16 }}>
          {missing || !experiment ? (
            <Typography variant="body2" color="error">
              Experiment {key} is not known to the A/B testing service (check the {EXPERIMENTS_ANNOTATION} annotation).
            </Typography>
          ) : (
            <>
              <Typography variant="subtitle1" component="h3">
                {experimentLink ? <Link to={experimentLink({ key })}>{experiment.name}</Link> : experiment.name}
                <Typography variant="caption" color="textSecondary" component="span">
                  {' '}
                  {key}, {experiment.status}
                </Typography>
              </Typography>
              <Figure
                label="Traffic split"
                value={experiment.variants.map(v => `${v.name} ${v.weight}%`).join(' / ')}
                hint={experiment.variants
                  .filter(v => v.modelAlias)
                  .map(v => `${v.name} serves ${v.modelAlias}`)
                  .join(', ')}
              />
              <Figure
                label="Verdict"
                value={resultsError ? 'Results unavailable' : verdictOf(experiment, results).text}
                hint={resultsError ? resultsError.message : results && `results computed ${formatTime(results.computedAt)}`}
              />
            </>
          )}
        </div>
      ))}
    </SourceCard>
  );
}

const DAY_MS = 86_400_000;
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

function money(amount: number, currency: string) {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
}

const percent = (ratio: number, signed = false) => {
  const text = `${Math.round(ratio * 1000) / 10}%`;
  return signed && ratio > 0 ? `+${text}` : text;
};

async function loadCost(api: CostApi, tag: string) {
  const summary = await api.getSummary();
  const last = { from: addDays(summary.asOf, -29), to: summary.asOf };
  const previous = { from: addDays(summary.asOf, -59), to: addDays(summary.asOf, -30) };
  const [daily, platform] = await Promise.all([
    api.getDailyCosts({ from: previous.from, to: last.to, stackBy: 'cloud', service: tag }),
    api.getCosts({ ...last, groupBy: 'service' }),
  ]);
  const lastDays = daily.days.filter(d => d.day >= last.from);
  const total = lastDays.reduce((sum, d) => sum + d.total, 0);
  const before = daily.days.filter(d => d.day < last.from).reduce((sum, d) => sum + d.total, 0);
  return {
    currency: daily.currency,
    last,
    total,
    before,
    change: before > 0 ? total / before - 1 : null,
    share: platform.total > 0 ? total / platform.total : null,
    days: lastDays.map(d => ({ day: d.day, total: d.total })),
  };
}

function CostCard({ tag }: { tag: string | undefined }) {
  const api = useOptionalApi<CostApi>(costApiRef);
  const data = useAsync(async () => {
    if (!tag) return undefined;
    if (!api) throw new Error('The cost plugin is not installed in this portal.');
    return loadCost(api, tag);
  }, [api, tag]);

  if (!tag) {
    return (
      <SourceCard title="Cost">
        <Typography variant="body2">
          No cost line: the {COST_ALLOCATION_ANNOTATION} annotation names the service's cost-allocation tag.
        </Typography>
      </SourceCard>
    );
  }
  const value = data.value;
  let trend = 'no cost in the previous 30 days to compare with';
  if (value?.change !== null && value?.change !== undefined) trend = `${percent(value.change, true)} on the previous 30 days`;
  return (
    <SourceCard
      title="Cost"
      subheader={value ? `Tag ${tag}, ${value.last.from} to ${value.last.to}` : `Tag ${tag}`}
      loading={data.loading}
      error={data.error}
      errorTitle="Cost unavailable"
    >
      {value && (
        <>
          <Figure label="Last 30 days" value={money(value.total, value.currency)} hint={`previous 30 days: ${money(value.before, value.currency)}`} />
          <Figure label="Trend" value={trend} />
          <Figure label="Share of platform" value={value.share === null ? 'no platform cost recorded' : percent(value.share)} />
          {value.days.length > 0 && (
            <div role="img" aria-label={`Daily cost of ${tag}, last 30 days`} style={{ height: 80 }}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={value.days}>
                  <YAxis hide domain={[0, 'auto']} />
                  <Tooltip formatter={(v: number) => money(v, value.currency)} labelFormatter={(_, p) => p?.[0]?.payload?.day ?? ''} />
                  <Line type="monotone" dataKey="total" dot={false} strokeWidth={2} isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </div>
          )}
        </>
      )}
    </SourceCard>
  );
}

const rate = (value: number | null) => (value === null ? 'no data' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} req/s`);
const latency = (seconds: number | null) => (seconds === null ? 'no data' : `${Math.round(seconds * 10_000) / 10} ms`);
const errors = (ratio: number | null) => (ratio === null ? 'no data' : `${Math.round(ratio * 10_000) / 100}%`);

function scrapeNote(signals: GoldenSignals): string | undefined {
  if (signals.scraped === null) return `Prometheus has no target labelled service="${signals.service}".`;
  if (signals.scraped === false) return `Prometheus cannot scrape ${signals.service} right now (up = 0).`;
  return undefined;
}

function LiveSignalsCard({ entityRef }: { entityRef: string }) {
  const api = useApi(modelRegistryApiRef);
  const signals = useAsyncRetry(() => api.getGoldenSignals(entityRef), [api, entityRef]);
  const { retry } = signals;
  useEffect(() => {
    const timer = setInterval(retry, SIGNALS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [retry]);
  const value = signals.value;
  const note = value && scrapeNote(value);
  return (
    <SourceCard
      title="Live signals"
      subheader={value ? `Prometheus, service="${value.service}", last ${value.window}, at ${formatTime(value.at)}` : 'Prometheus'}
      loading={signals.loading && !value}
      error={value ? undefined : signals.error}
      errorTitle="Live signals unavailable"
    >
      {value && (
        <>
          {signals.error && (
            <Typography variant="body2" color="error" role="status">
              Refresh failed ({signals.error.message}); showing the numbers of {formatTime(value.at)}.
            </Typography>
          )}
          {note && (
            <Typography variant="body2" color="error">
              {note}
            </Typography>
          )}
          <Grid container spacing={2}>
            <Grid item xs={4}>
              <Figure label="Request rate" value={rate(value.requestRate)} />
            </Grid>
            <Grid item xs={4}>
              <Figure label="P95 latency" value={latency(value.p95Seconds)} />
            </Grid>
            <Grid item xs={4}>
              <Figure label="Errors" value={errors(value.errorRatio)} hint="5xx share of the answers" />
            </Grid>
          </Grid>
          {value.variants.length > 0 && (
            <Table size="small" aria-label="Signals by variant">
              <TableHead>
                <TableRow>
                  <TableCell>Variant</TableCell>
                  <TableCell>Request rate</TableCell>
                  <TableCell>P95 latency</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {value.variants.map(v => (
                  <TableRow key={v.variant}>
                    <TableCell>{v.variant}</TableCell>
                    <TableCell>{rate(v.requestRate)}</TableCell>
                    <TableCell>{latency(v.p95Seconds)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      )}
    </SourceCard>
  );
}
