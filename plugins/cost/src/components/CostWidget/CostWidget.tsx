import { Link, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { costApiRef } from '../../api';
import { formatMoney as money } from '../shared/format';

/** The home page's cost card: month to date against the budget, and the month's forecast. */
export function CostWidget() {
  const api = useApi(costApiRef);
  const state = useAsync(() => api.getSummary(), [api]);
  if (state.loading) return <Progress />;
  if (state.error)
    return (
      <WarningPanel title="Cost unavailable" message={state.error.message} />
    );
  const summary = state.value!;
  const used = Math.min(100, summary.budgetUsedRatio * 100);
  return (
    <div role="region" aria-label="Cost this month">
      <Typography variant="h5" component="p">
        {money(summary.monthToDate, summary.currency)}{' '}
        <Typography component="span" variant="body1">
          of {money(summary.budget, summary.currency)} budget (
          {(summary.budgetUsedRatio * 100).toFixed(0)} %)
        </Typography>
      </Typography>
      <LinearProgress
        variant="determinate"
        value={used}
        color={summary.forecastOverBudget ? 'secondary' : 'primary'}
        aria-label="Budget used"
        style={{ height: 8, margin: '12px 0' }}
      />
      <Typography variant="body2">
        {`Month to date, day ${summary.daysElapsed} of ${
          summary.daysInMonth
        } (${summary.month}). Forecast: ${money(
          summary.forecast,
          summary.currency,
        )}${summary.forecastOverBudget ? ', over budget' : ''}.`}
      </Typography>
      <Typography variant="body2">
        <Link to="/cost">Cost by cloud, service and day</Link>
      </Typography>
    </div>
  );
}
