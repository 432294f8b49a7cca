import type { Experiment } from '@internal/plugin-experiments-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { ProblemPanel } from '../shared/ProblemPanel';

export type Action = 'start' | 'ramp' | 'stop' | 'conclude';

const EXPLAIN: Record<Action, string> = {
  start: 'Users start being assigned with the current weights.',
  ramp: 'New users are split with the new weights; users already assigned keep their variant.',
  stop: 'Everyone is served control from now on; assignments are kept for the analysis.',
  conclude: 'Everyone is served the winner from now on.',
};

export interface ActionInput {
  reason: string;
  variants?: Experiment['variants'];
  winner?: string;
}

/** The reason (and the new weights, or the winner) for one action; the reason lands in the audit log. */
export function ActionDialog({
  action,
  experiment,
  onCancel,
  onSubmit,
}: {
  action: Action;
  experiment: Experiment;
  onCancel: () => void;
  onSubmit: (input: ActionInput) => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const [weights, setWeights] = useState<string[]>(experiment.variants.map(v => String(v.weight)));
  const [winner, setWinner] = useState(experiment.variants[1]?.name ?? experiment.variants[0].name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const numbers = weights.map(w => Number(w));
  const total = numbers.reduce((a, b) => a + b, 0);
  const weightsValid = numbers.every(n => Number.isInteger(n) && n >= 0 && n <= 100) && total === 100;
  const unchanged = numbers.every((n, i) => n === experiment.variants[i].weight);
  const valid = (action === 'start' || reason.trim().length > 0) && (action !== 'ramp' || (weightsValid && !unchanged));
  const verb = action[0].toUpperCase() + action.slice(1);
  const titleId = `experiment-${action}-title`;

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit({
        reason: reason.trim(),
        variants: experiment.variants.map((v, i) => ({ ...v, weight: numbers[i] })),
        winner,
      });
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onCancel} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <DialogTitle id={titleId}>
        {verb} {experiment.key}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>{EXPLAIN[action]}</DialogContentText>
        {action === 'ramp' && (
          <>
            {experiment.variants.map((variant, i) => (
              <TextField
                key={variant.name}
                id={`experiment-weight-${variant.name}`}
                label={`Weight of ${variant.name} (%)`}
                type="number"
                value={weights[i]}
                onChange={event => setWeights(weights.map((w, j) => (j === i ? event.target.value : w)))}
                inputProps={{ min: 0, max: 100, step: 1 }}
                style={{ marginRight: 16, width: 180 }}
                margin="dense"
              />
            ))}
            <Typography variant="body2" color={weightsValid ? 'textSecondary' : 'error'} role="status">
              {weightsValid ? `New split ${numbers.join('/')}` : `Whole percents summing to 100 (now ${total})`}
            </Typography>
          </>
        )}
        {action === 'conclude' && (
          <TextField
            select
            id="experiment-winner"
            label="Winner"
            value={winner}
            onChange={event => setWinner(event.target.value)}
            SelectProps={{ inputProps: { 'aria-label': 'Winner' } }}
            margin="dense"
            style={{ minWidth: 200 }}
          >
            {experiment.variants.map(v => (
              <MenuItem key={v.name} value={v.name}>
                {v.name}
              </MenuItem>
            ))}
          </TextField>
        )}
        <TextField
          id="experiment-action-reason"
          label={action === 'start' ? 'Reason (optional)' : 'Reason'}
          value={reason}
          onChange={event => setReason(event.target.value)}
          required={action !== 'start'}
          fullWidth
          multiline
          minRows={2}
          margin="dense"
          inputProps={{ maxLength: 800 }}
        />
        {error && <ProblemPanel error={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button color="primary" variant="contained" disabled={!valid || busy} onClick={confirm}>
          Confirm {action}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
