import type { Comparison, ExperimentAnalysis } from '@internal/plugin-experiments-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { formatInterval, formatMean, formatPValue, formatPercent } from '../shared/format';

/** Per metric and treatment: mean against control, relative lift, its confidence interval, p-value, chance to win. */
export function ResultsTable({ analysis }: { analysis: ExperimentAnalysis }) {
  const level = Math.round((1 - analysis.alpha) * 100);
  return (
    <Table size="small" aria-label="Results by metric">
      <TableHead>
        <TableRow>
          <TableCell>Metric</TableCell>
          <TableCell>Variant</TableCell>
          <TableCell align="right">Users</TableCell>
          <TableCell align="right">Mean</TableCell>
          <TableCell align="right">Lift</TableCell>
          <TableCell align="right">{level}% CI</TableCell>
          <TableCell align="right">p-value</TableCell>
          <TableCell align="right">Chance to win</TableCell>
          <TableCell align="right">Expected loss</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {analysis.metrics.flatMap(metric =>
          metric.variants.map(variant => {
            const c = variant.comparison;
            const ok = c?.status === 'ok' ? c : undefined;
            return (
              <TableRow key={`${metric.key}:${variant.variantKey}`}>
                <TableCell>
                  {metric.key}
                  {metric.higherIsBetter ? '' : ' (lower is better)'}
                </TableCell>
                <TableCell>
                  {variant.variantKey}
                  {variant.isControl ? ' (control)' : ''}
                </TableCell>
                <TableCell align="right">{variant.n.toLocaleString('en-US')}</TableCell>
                <TableCell align="right">{formatMean(metric.kind, variant.mean)}</TableCell>
                <TableCell align="right">{ok ? formatPercent(ok.lift, true) : '—'}</TableCell>
                <TableCell align="right">{intervalOf(c)}</TableCell>
                <TableCell align="right">{ok ? formatPValue(ok.frequentist.pValue) : '—'}</TableCell>
                <TableCell align="right">{ok ? formatPercent(ok.bayesian.chanceToBeatControl) : '—'}</TableCell>
                <TableCell align="right">{ok ? formatPercent(ok.bayesian.expectedLoss) : '—'}</TableCell>
              </TableRow>
            );
          }),
        )}
      </TableBody>
    </Table>
  );
}

/** The interval of a computed comparison; why there is none otherwise; nothing for the control. */
function intervalOf(comparison: Comparison | null): string {
  if (!comparison) return '—';
  if (comparison.status === 'ok') return formatInterval(comparison.frequentist.ci);
  return comparison.message;
}
