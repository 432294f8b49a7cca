import { Content, InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { CostSummary, StackDimension } from '@internal/plugin-cost-common';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { costApiRef } from '../../api';
import { AlertsCard } from '../shared/AlertsCard';
import { DailyCostChart } from '../shared/DailyCostChart';
import { PERIOD_PRESETS, formatMoney, periodOf, type PeriodPreset } from '../shared/format';
import { Stat } from '../shared/Stat';
import { BudgetCard } from './BudgetCard';
import { TopMoversCard } from './TopMoversCard';
import { UnitCostCard } from './UnitCostCard';

/** The platform's cost: spend, budget, forecast, daily trend, movers, efficiency and alerts. */
export function CostPage() {
  const costApi = useApi(costApiRef);
  const summary = useAsync(() => costApi.getSummary(), [costApi]);
  return (
    <Content>
      {summary.loading && <Progress />}
      {summary.error && <ResponseErrorPanel error={summary.error} />}
      {summary.value && <CostOverview summary={summary.value} />}
    </Content>
  );
}

function CostOverview({ summary }: { summary: CostSummary }) {
  const costApi = useApi(costApiRef);
  const [preset, setPreset] = useState<PeriodPreset>('last-30-days');
  const [stackBy, setStackBy] = useState<StackDimension>('cloud');
  const period = periodOf(preset, summary.asOf);
  const data = useAsync(
    () =>
      Promise.all([
        costApi.getCosts({ ...period, groupBy: 'service' }),
        costApi.getDailyCosts({ ...period, stackBy }),
        costApi.getTopMovers({ ...period, limit: 5 }),
        costApi.getUnitCost(period),
      ]),
    [costApi, period.from, period.to, stackBy],
  );
  const money = (amount: number) => formatMoney(amount, summary.currency);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={4}>
        <InfoCard
          title="Spend"
          action={
            <TextField
              select
              label="Period"
              value={preset}
              onChange={event => setPreset(event.target.value as PeriodPreset)}
              SelectProps={{ inputProps: { 'aria-label': 'Period' } }}
            >
              {PERIOD_PRESETS.map(option => (
                <MenuItem key={option.value} value={option.value}>
                  {option.label}
                </MenuItem>
              ))}
            </TextField>
          }
        >
          <Stat
            label="Total for period"
            value={data.value ? money(data.value[0].total) : '…'}
            hint={`${period.from} to ${period.to}`}
          />
          <Stat label="Month to date" value={money(summary.monthToDate)} hint={`${summary.month}, up to ${summary.asOf}`} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={4}>
        <BudgetCard summary={summary} />
      </Grid>
      <Grid item xs={12} md={4}>
        {data.value ? <UnitCostCard unit={data.value[3]} /> : <Progress />}
      </Grid>
      {data.error && (
        <Grid item xs={12}>
          <ResponseErrorPanel error={data.error} />
        </Grid>
      )}
      <Grid item xs={12} md={8}>
        <InfoCard
          title="Daily cost"
          action={
            <TextField
              select
              label="Stack by"
              value={stackBy}
              onChange={event => setStackBy(event.target.value as StackDimension)}
              SelectProps={{ inputProps: { 'aria-label': 'Stack by' } }}
            >
              <MenuItem value="cloud">Cloud</MenuItem>
              <MenuItem value="service">Service</MenuItem>
            </TextField>
          }
        >
          {data.value ? <DailyCostChart data={data.value[1]} /> : <Progress />}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={4}>
        {data.value ? <TopMoversCard movers={data.value[2]} /> : <Progress />}
      </Grid>
      <Grid item xs={12}>
        <AlertsCard />
      </Grid>
    </Grid>
  );
}
