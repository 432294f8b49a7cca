import { Content, InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import {
  describeSplit,
  guardrailStateOf,
  splitOf,
  verdictOf,
  type AuditEntry,
  type Experiment,
  type ExperimentResults,
} from '@internal/plugin-experiments-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { experimentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { GuardrailChip, SrmBadge, StatusChip, VerdictText } from '../shared/Badges';
import { shortRef } from '../shared/format';
import { ProblemPanel } from '../shared/ProblemPanel';
import { ActionButtons } from './ActionButtons';
import { AuditLogCard, RampHistoryCard } from './AuditLog';
import { DailyChart } from './DailyChart';
import { ResultsTable } from './ResultsTable';

interface Loaded {
  experiment: Experiment;
  audit: AuditEntry[];
  results: ExperimentResults | null;
  resultsError?: Error;
}

/** One experiment: its definition, results per metric, the daily cumulative chart, ramp history and audit log. */
export function ExperimentPage() {
  const { key = '' } = useParams();
  const api = useApi(experimentsApiRef);
  const listLink = useRouteRef(rootRouteRef);
  const data = useAsyncRetry(async (): Promise<Loaded> => {
    const [experiment, audit] = await Promise.all([api.getExperiment(key), api.getAudit(key)]);
    try {
      return { experiment, audit, results: experiment.status === 'draft' ? null : await api.getResults(key) };
    } catch (error) {
      return { experiment, audit, results: null, resultsError: error as Error };
    }
  }, [api, key]);

  if (data.loading && !data.value) return <Progress />;
  if (data.error) {
    return (
      <Content>
        <ProblemPanel error={data.error} />
      </Content>
    );
  }
  const { experiment, audit, results, resultsError } = data.value!;

  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          {listLink && <Link to={listLink()}>All experiments</Link>}
          <Typography variant="h4" component="h2">
            {experiment.name} <Typography component="span" color="textSecondary">({experiment.key})</Typography>
          </Typography>
          <Typography variant="body1" component="div" style={{ marginTop: 8 }}>
            <StatusChip status={experiment.status} /> split{' '}
            <strong aria-label="Traffic split" title={describeSplit(experiment.variants)}>
              {splitOf(experiment.variants)}
            </strong>{' '}
            ({describeSplit(experiment.variants)}) · owner {shortRef(experiment.owner)} · {experiment.kind}
            {experiment.model ? ` experiment on ${experiment.model}` : ' experiment'}
            {experiment.winner ? ` · winner ${experiment.winner}` : ''}
          </Typography>
          {experiment.hypothesis && (
            <Typography variant="body2" color="textSecondary">
              Hypothesis: {experiment.hypothesis}
            </Typography>
          )}
          <ActionButtons experiment={experiment} onChanged={data.retry} />
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Results" subheader={results ? `Computed ${results.computedAt.slice(0, 16).replace('T', ' ')} UTC` : undefined}>
            {resultsError && <ProblemPanel error={resultsError} />}
            {!resultsError && !results && (
              <Typography variant="body2">
                {experiment.status === 'draft' ? 'The experiment has not started.' : 'No results for this experiment yet.'}
              </Typography>
            )}
            {results && (
              <>
                <Typography variant="body2" component="div" style={{ display: 'flex', gap: 16, alignItems: 'center', marginBottom: 8 }}>
                  <VerdictText verdict={verdictOf(experiment, results)} />
                  <span>
                    Sample ratio: <SrmBadge results={results} />
                  </span>
                  <GuardrailChip state={guardrailStateOf(results.guardrails)} />
                  {results.analysis.multipleExposures.flagged && (
                    <Typography variant="body2" color="error">
                      {Math.round(results.analysis.multipleExposures.share * 1000) / 10}% of users saw more than one variant
                    </Typography>
                  )}
                </Typography>
                <ResultsTable analysis={results.analysis} />
              </>
            )}
          </InfoCard>
        </Grid>
        {results && results.daily.length > 0 && (
          <Grid item xs={12}>
            <InfoCard title="Daily, cumulative">
              <DailyChart daily={results.daily} variants={experiment.variants.map(v => v.name)} />
            </InfoCard>
          </Grid>
        )}
        <Grid item xs={12} md={6}>
          <RampHistoryCard audit={audit} />
        </Grid>
        <Grid item xs={12} md={6}>
          <AuditLogCard audit={audit} />
        </Grid>
      </Grid>
    </Content>
  );
}
