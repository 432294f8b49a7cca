import { InfoCard, LinearGauge } from '@backstage/core-components';
import type { CostSummary } from '@internal/plugin-cost-common';
import Typography from '@material-ui/core/Typography';
import { formatMoney, formatPercent } from '../shared/format';
import { Stat } from '../shared/Stat';

/** Budget versus month-to-date actual versus month-end forecast. */
export function BudgetCard({ summary }: { summary: CostSummary }) {
  const money = (amount: number) => formatMoney(amount, summary.currency);
  const overrun = summary.forecast - summary.budget;
  return (
    <InfoCard title={`Budget for ${summary.month}`} subheader={`Data up to ${summary.asOf} (day ${summary.daysElapsed} of ${summary.daysInMonth})`}>
      <Stat label="Monthly budget" value={money(summary.budget)} />
      <Stat label="Actual month to date" value={money(summary.monthToDate)} hint={`${formatPercent(summary.budgetUsedRatio)} of the budget used`} />
      <LinearGauge value={Math.min(summary.budgetUsedRatio, 1)} />
      <Stat
        label="Forecast for the month"
        value={money(summary.forecast)}
        hint={`Method: ${summary.forecastMethod.replace(/-/g, ' ')}`}
      />
      <Typography variant="body2" role="status" color={summary.forecastOverBudget ? 'error' : 'textPrimary'}>
        {summary.forecastOverBudget
          ? `Forecast exceeds the budget by ${money(overrun)} (${formatPercent(overrun / summary.budget)}).`
          : `Forecast is within the budget, ${money(-overrun)} to spare.`}
      </Typography>
    </InfoCard>
  );
}
