import { Content, InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import { COST_ALLOCATION_ANNOTATION } from '@internal/plugin-cost-common';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { costApiRef } from '../../api';
import { AlertsCard } from '../shared/AlertsCard';
import { DailyCostChart } from '../shared/DailyCostChart';
import { formatMoney, formatPercent, periodOf } from '../shared/format';
import { Stat } from '../shared/Stat';

/** The Cost tab of a service: its trend, its share of the platform and its alerts, by cost-allocation tag. */
export function EntityCostContent() {
  const { entity } = useEntity();
  const tag = entity.metadata.annotations?.[COST_ALLOCATION_ANNOTATION];
  if (!tag) {
    return (
      <Content>
        <MissingAnnotationEmptyState annotation={COST_ALLOCATION_ANNOTATION} />
      </Content>
    );
  }
  return <ServiceCost service={tag} />;
}

function ServiceCost({ service }: { service: string }) {
  const costApi = useApi(costApiRef);
  const data = useAsync(async () => {
    const summary = await costApi.getSummary();
    const period = periodOf('last-90-days', summary.asOf);
    const [daily, platform] = await Promise.all([
      costApi.getDailyCosts({ ...period, stackBy: 'cloud', service }),
      costApi.getCosts({ ...period, groupBy: 'service' }),
    ]);
    return { summary, period, daily, platform };
  }, [costApi, service]);

  if (data.loading) return <Progress />;
  if (data.error) return <ResponseErrorPanel error={data.error} />;
  const { summary, period, daily, platform } = data.value!;
  const money = (amount: number) => formatMoney(amount, summary.currency);
  const own = summary.byService.find(s => s.key === service);
  const share = platform.total > 0 ? daily.total / platform.total : 0;

  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} md={4}>
          <InfoCard title={`Cost of ${service}`} subheader={`${period.from} to ${period.to}`}>
            <Stat label="Last 90 days" value={money(daily.total)} />
            <Stat label="Share of platform" value={formatPercent(share)} hint={`of ${money(platform.total)} for the whole platform`} />
            <Stat label="Month to date" value={money(own?.amount ?? 0)} hint={`${summary.month}, up to ${summary.asOf}`} />
            <Stat label="Forecast for the month" value={money(own?.forecast ?? 0)} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={8}>
          <InfoCard title="Daily cost trend" subheader="Stacked by cloud">
            {daily.total === 0 ? `No cost recorded for the tag ${service} in this period.` : <DailyCostChart data={daily} />}
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <AlertsCard service={service} title={`Cost alerts for ${service}`} />
        </Grid>
      </Grid>
    </Content>
  );
}
