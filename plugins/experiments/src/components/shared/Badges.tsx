import type { ExperimentResults, ExperimentStatus, GuardrailState, Verdict } from '@internal/plugin-experiments-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';

const STATUS_COLOR: Record<ExperimentStatus, 'primary' | 'default' | 'secondary'> = {
  draft: 'default',
  running: 'primary',
  stopped: 'secondary',
  concluded: 'default',
};

export function StatusChip({ status }: { status: ExperimentStatus }) {
  return <Chip size="small" label={status} color={STATUS_COLOR[status]} variant={status === 'concluded' ? 'outlined' : 'default'} />;
}

/** "SRM" in red when the sample ratio mismatch check flagged the experiment; "OK" or "—" otherwise. */
export function SrmBadge({ results }: { results: ExperimentResults | null | undefined }) {
  if (!results) return <Typography variant="body2">—</Typography>;
  const { srm } = results.analysis;
  if (srm.flagged) {
    return (
      <Chip
        size="small"
        color="secondary"
        label="SRM"
        aria-label={`Sample ratio mismatch, p = ${srm.pValue.toPrecision(2)}`}
        title={`Observed split differs from the weights (chi-square p = ${srm.pValue.toPrecision(2)} < ${srm.threshold})`}
      />
    );
  }
  return (
    <Typography variant="body2" title={srm.status === 'not-enough-traffic' ? 'Not enough traffic to check yet' : 'Observed split matches the weights'}>
      {srm.status === 'not-enough-traffic' ? 'too early' : 'OK'}
    </Typography>
  );
}

const GUARDRAIL_LABEL: Record<GuardrailState, string> = {
  held: 'held',
  breached: 'breached',
  'no-data': 'no data',
  'not-evaluated': '—',
};

export function GuardrailChip({ state }: { state: GuardrailState }) {
  if (state === 'not-evaluated') return <Typography variant="body2">—</Typography>;
  return (
    <Chip
      size="small"
      label={`guardrails ${GUARDRAIL_LABEL[state]}`}
      color={state === 'breached' ? 'secondary' : 'default'}
      variant={state === 'held' ? 'outlined' : 'default'}
    />
  );
}

export function VerdictText({ verdict }: { verdict: Verdict }) {
  let color: 'error' | 'primary' | 'textPrimary' = 'textPrimary';
  if (verdict.kind === 'srm' || verdict.kind === 'loser') color = 'error';
  if (verdict.kind === 'winner') color = 'primary';
  return (
    <Typography variant="body2" color={color}>
      {verdict.text}
    </Typography>
  );
}
