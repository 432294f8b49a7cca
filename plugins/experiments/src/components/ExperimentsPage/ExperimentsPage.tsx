import { Content, Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import {
  describeSplit,
  guardrailStateOf,
  splitOf,
  verdictOf,
  type ExperimentStatus,
} from '@internal/plugin-experiments-common';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { experimentsApiRef } from '../../api';
import { experimentRouteRef } from '../../routes';
import { GuardrailChip, SrmBadge, StatusChip, VerdictText } from '../shared/Badges';
import { shortRef } from '../shared/format';
import { ProblemPanel } from '../shared/ProblemPanel';
import { withResults } from '../shared/useResults';

/** Every experiment of the A/B testing service: status, traffic split, SRM, guardrails, verdict and owner. */
export function ExperimentsPage() {
  const api = useApi(experimentsApiRef);
  const experimentLink = useRouteRef(experimentRouteRef);
  const [status, setStatus] = useState<ExperimentStatus | 'all'>('all');
  const data = useAsync(
    async () => withResults(api, await api.listExperiments(status === 'all' ? {} : { status })),
    [api, status],
  );

  return (
    <Content>
      <TextField
        select
        label="Status"
        value={status}
        onChange={event => setStatus(event.target.value as ExperimentStatus | 'all')}
        SelectProps={{ inputProps: { 'aria-label': 'Status filter' } }}
        style={{ minWidth: 160, marginBottom: 16 }}
      >
        <MenuItem value="all">All</MenuItem>
        <MenuItem value="draft">Draft</MenuItem>
        <MenuItem value="running">Running</MenuItem>
        <MenuItem value="stopped">Stopped</MenuItem>
        <MenuItem value="concluded">Concluded</MenuItem>
      </TextField>
      {data.loading && <Progress />}
      {data.error && <ProblemPanel error={data.error} />}
      {data.value && data.value.length === 0 && <Typography variant="body2">No experiments.</Typography>}
      {data.value && data.value.length > 0 && (
        <TableContainer component={Paper}>
          <Table aria-label="Experiments">
            <TableHead>
              <TableRow>
                <TableCell>Experiment</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Traffic split</TableCell>
                <TableCell>SRM</TableCell>
                <TableCell>Guardrails</TableCell>
                <TableCell>Verdict</TableCell>
                <TableCell>Owner</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.value.map(({ experiment, results, resultsError }) => (
                <TableRow key={experiment.key}>
                  <TableCell>
                    {experimentLink ? (
                      <Link to={experimentLink({ key: experiment.key })}>{experiment.key}</Link>
                    ) : (
                      experiment.key
                    )}
                    <Typography variant="caption" component="div" color="textSecondary">
                      {experiment.name}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <StatusChip status={experiment.status} />
                  </TableCell>
                  <TableCell title={describeSplit(experiment.variants)}>{splitOf(experiment.variants)}</TableCell>
                  <TableCell>
                    <SrmBadge results={results} />
                  </TableCell>
                  <TableCell>
                    <GuardrailChip state={guardrailStateOf(results?.guardrails)} />
                  </TableCell>
                  <TableCell>
                    {resultsError ? (
                      <Typography variant="body2" color="error">
                        Results unavailable: {resultsError.message}
                      </Typography>
                    ) : (
                      <VerdictText verdict={verdictOf(experiment, results)} />
                    )}
                  </TableCell>
                  <TableCell>{shortRef(experiment.owner)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Content>
  );
}
