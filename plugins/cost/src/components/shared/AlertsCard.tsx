import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { costAlertManagePermission, type AlertStatus, type CostAlert } from '@internal/plugin-cost-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { costApiRef } from '../../api';

const SNOOZE_DAYS = 7;

const KIND_LABEL: Record<CostAlert['kind'], string> = {
  'forecast-over-budget': 'Forecast over budget',
  'day-over-day': 'Day-over-day growth',
  'week-over-week': 'Week-over-week growth',
};

/** Cost alerts with acknowledge and snooze, offered only to those the permission policy allows. */
export function AlertsCard({ service, title = 'Cost alerts' }: { service?: string; title?: string }) {
  const costApi = useApi(costApiRef);
  const [status, setStatus] = useState<AlertStatus>('open');
  const [actionError, setActionError] = useState<Error>();
  const { allowed: mayManage } = usePermission({ permission: costAlertManagePermission });
  const alerts = useAsyncRetry(() => costApi.listAlerts({ status, service }), [costApi, status, service]);

  const act = async (action: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await action();
    } catch (error) {
      setActionError(error as Error);
    }
    alerts.retry();
  };

  return (
    <InfoCard
      title={title}
      action={
        <TextField
          select
          label="Status"
          value={status}
          onChange={event => setStatus(event.target.value as AlertStatus)}
          SelectProps={{ inputProps: { 'aria-label': 'Alert status' } }}
        >
          <MenuItem value="open">Open</MenuItem>
          <MenuItem value="snoozed">Snoozed</MenuItem>
          <MenuItem value="acknowledged">Acknowledged</MenuItem>
        </TextField>
      }
    >
      {actionError && <ResponseErrorPanel error={actionError} />}
      {alerts.loading && !alerts.value && <Progress />}
      {alerts.error && <ResponseErrorPanel error={alerts.error} />}
      {alerts.value && alerts.value.length === 0 && (
        <Typography variant="body2">No {status} cost alerts{service ? ` for ${service}` : ''}.</Typography>
      )}
      {alerts.value && alerts.value.length > 0 && (
        <Table size="small" aria-label={`${status} cost alerts`}>
          <TableHead>
            <TableRow>
              <TableCell>Alert</TableCell>
              <TableCell>Service</TableCell>
              <TableCell>Period</TableCell>
              <TableCell>Details</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {alerts.value.map(alert => (
              <TableRow key={alert.id}>
                <TableCell>
                  <Chip size="small" label={alert.severity} color={alert.severity === 'critical' ? 'secondary' : 'default'} />{' '}
                  {KIND_LABEL[alert.kind]}
                </TableCell>
                <TableCell>{alert.service ?? 'platform'}</TableCell>
                <TableCell>
                  {alert.periodStart === alert.periodEnd ? alert.periodStart : `${alert.periodStart} to ${alert.periodEnd}`}
                </TableCell>
                <TableCell>
                  {alert.message}
                  {alert.snoozedUntil && ` (snoozed until ${alert.snoozedUntil.slice(0, 16).replace('T', ' ')} UTC)`}
                  {alert.acknowledgedBy && ` (acknowledged by ${alert.acknowledgedBy})`}
                </TableCell>
                <TableCell>
                  {status === 'open' ? (
                    <>
                      <Button
                        size="small"
                        color="primary"
                        disabled={!mayManage}
                        onClick={() => act(() => costApi.acknowledgeAlert(alert.id))}
                      >
                        Acknowledge
                      </Button>
                      <Button
                        size="small"
                        disabled={!mayManage}
                        onClick={() => act(() => costApi.snoozeAlert(alert.id, new Date(Date.now() + SNOOZE_DAYS * 86_400_000)))}
                      >
                        Snooze {SNOOZE_DAYS} days
                      </Button>
                    </>
                  ) : (
                    <Button size="small" disabled={!mayManage} onClick={() => act(() => costApi.reopenAlert(alert.id))}>
                      Reopen
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
