import { InfoCard } from '@backstage/core-components';
import { actorOf, rampHistoryOf, splitOf, type AuditEntry } from '@internal/plugin-experiments-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { formatTime } from '../shared/format';

/** Every change of the weights: the start and the ramps, by people in the portal or the rollout controller. */
export function RampHistoryCard({ audit }: { audit: AuditEntry[] }) {
  const steps = rampHistoryOf(audit);
  return (
    <InfoCard title="Ramp history">
      {steps.length === 0 ? (
        <Typography variant="body2">No weight changes yet.</Typography>
      ) : (
        <Table size="small" aria-label="Ramp history">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Split</TableCell>
              <TableCell>By</TableCell>
              <TableCell>Reason</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {steps.map(step => (
              <TableRow key={`${step.at}:${step.action}`}>
                <TableCell>{formatTime(step.at)}</TableCell>
                <TableCell>
                  {step.action === 'ramp' ? `${step.from} → ${step.to}` : `${step.to} (${step.action === 'create' ? 'created' : 'started'})`}
                </TableCell>
                <TableCell>{step.by}</TableCell>
                <TableCell>{step.reason ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/** The A/B testing service's append-only audit log of the experiment, newest first. */
export function AuditLogCard({ audit }: { audit: AuditEntry[] }) {
  return (
    <InfoCard title="Audit log">
      <Table size="small" aria-label="Audit log">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>Action</TableCell>
            <TableCell>By</TableCell>
            <TableCell>Split</TableCell>
            <TableCell>Reason</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {[...audit].reverse().map(entry => (
            <TableRow key={entry.id}>
              <TableCell>{formatTime(entry.at)}</TableCell>
              <TableCell>{entry.action}</TableCell>
              <TableCell>{actorOf(entry)}</TableCell>
              <TableCell>{splitOf(entry.after.variants)}</TableCell>
              <TableCell>{entry.reason ?? '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
