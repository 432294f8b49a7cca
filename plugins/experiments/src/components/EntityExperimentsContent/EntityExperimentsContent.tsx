import { Content, InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import {
  EXPERIMENTS_ANNOTATION,
  guardrailStateOf,
  splitOf,
  verdictOf,
  type Experiment,
} from '@internal/plugin-experiments-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { ExperimentsApiError, experimentsApiRef } from '../../api';
import { experimentRouteRef } from '../../routes';
import { GuardrailChip, SrmBadge, StatusChip, VerdictText } from '../shared/Badges';
import { ProblemPanel } from '../shared/ProblemPanel';
import { withResults } from '../shared/useResults';

/** The keys in the annotation: `recommendation-ranking` or `a, b`. */
export function experimentKeysOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(key => key.trim())
    .filter(Boolean);
}

/** The Experiments tab: the entity's experiments (by annotation) with status, split and verdict. */
export function EntityExperimentsContent() {
  const { entity } = useEntity();
  const keys = experimentKeysOf(entity.metadata.annotations?.[EXPERIMENTS_ANNOTATION]);
  if (keys.length === 0) {
    return (
      <Content>
        <MissingAnnotationEmptyState annotation={EXPERIMENTS_ANNOTATION} />
      </Content>
    );
  }
  return <EntityExperiments name={entity.metadata.title ?? entity.metadata.name} keys={keys} />;
}

function EntityExperiments({ name, keys }: { name: string; keys: string[] }) {
  const api = useApi(experimentsApiRef);
  const experimentLink = useRouteRef(experimentRouteRef);
  const data = useAsync(async () => {
    const found = await Promise.all(
      keys.map(async key => {
        try {
          return await api.getExperiment(key);
        } catch (error) {
          if (error instanceof ExperimentsApiError && error.status === 404) return key;
          throw error;
        }
      }),
    );
    const experiments = found.filter((e): e is Experiment => typeof e !== 'string');
    const missing = found.filter((e): e is string => typeof e === 'string');
    return { summaries: await withResults(api, experiments), missing };
  }, [api, keys.join(',')]);

  return (
    <Content>
      <InfoCard title={`Experiments of ${name}`}>
        {data.loading && <Progress />}
        {data.error && <ProblemPanel error={data.error} />}
        {data.value && data.value.summaries.length > 0 && (
          <Table size="small" aria-label={`Experiments of ${name}`}>
            <TableHead>
              <TableRow>
                <TableCell>Experiment</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Traffic split</TableCell>
                <TableCell>SRM</TableCell>
                <TableCell>Guardrails</TableCell>
                <TableCell>Verdict</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.value.summaries.map(({ experiment, results, resultsError }) => (
                <TableRow key={experiment.key}>
                  <TableCell>
                    {experimentLink ? <Link to={experimentLink({ key: experiment.key })}>{experiment.key}</Link> : experiment.key}
                    <Typography variant="caption" component="div" color="textSecondary">
                      {experiment.name}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <StatusChip status={experiment.status} />
                  </TableCell>
                  <TableCell>{splitOf(experiment.variants)}</TableCell>
                  <TableCell>
                    <SrmBadge results={results} />
                  </TableCell>
                  <TableCell>
                    <GuardrailChip state={guardrailStateOf(results?.guardrails)} />
                  </TableCell>
                  <TableCell>
                    {resultsError ? `Results unavailable: ${resultsError.message}` : <VerdictText verdict={verdictOf(experiment, results)} />}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {data.value && data.value.missing.length > 0 && (
          <Typography variant="body2" color="error">
            Not found in the A/B testing service: {data.value.missing.join(', ')} (check the {EXPERIMENTS_ANNOTATION} annotation).
          </Typography>
        )}
      </InfoCard>
    </Content>
  );
}
