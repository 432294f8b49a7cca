import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { experimentManagePermission, type Experiment } from '@internal/plugin-experiments-common';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import { experimentsApiRef } from '../../api';
import { ActionDialog, type Action } from './ActionDialog';

/** What each status allows, as the A/B testing service's lifecycle does (draft → running → stopped | concluded). */
const ALLOWED: Record<Experiment['status'], Action[]> = {
  draft: ['start'],
  running: ['ramp', 'stop', 'conclude'],
  stopped: ['conclude'],
  concluded: [],
};

const LABEL: Record<Action, string> = { start: 'Start', ramp: 'Ramp', stop: 'Stop', conclude: 'Conclude' };

/**
 * Start / Ramp / Stop / Conclude, each behind a reason dialog; shown only to those the policy lets manage this
 * experiment (members of its owner group). The backend checks again and audits every attempt.
 */
export function ActionButtons({ experiment, onChanged }: { experiment: Experiment; onChanged: () => void }) {
  const api = useApi(experimentsApiRef);
  const { allowed, loading } = usePermission({ permission: experimentManagePermission, resourceRef: experiment.key });
  const [open, setOpen] = useState<Action>();
  const actions = ALLOWED[experiment.status];
  if (loading || !allowed || actions.length === 0) return null;

  const submit = async (action: Action, input: { reason: string; variants?: Experiment['variants']; winner?: string }) => {
    if (action === 'start') await api.start(experiment.key, input.reason ? { reason: input.reason } : {});
    if (action === 'ramp') await api.ramp(experiment.key, { variants: input.variants!.map(({ name, weight }) => ({ name, weight })), reason: input.reason });
    if (action === 'stop') await api.stop(experiment.key, { reason: input.reason });
    if (action === 'conclude') await api.conclude(experiment.key, { winner: input.winner!, reason: input.reason });
    setOpen(undefined);
    onChanged();
  };

  return (
    <div role="group" aria-label="Experiment actions" style={{ display: 'flex', gap: 8, marginTop: 12 }}>
      {actions.map(action => (
        <Button
          key={action}
          variant={action === 'stop' ? 'outlined' : 'contained'}
          color={action === 'stop' ? 'secondary' : 'primary'}
          onClick={() => setOpen(action)}
        >
          {LABEL[action]}
        </Button>
      ))}
      {open && <ActionDialog action={open} experiment={experiment} onCancel={() => setOpen(undefined)} onSubmit={input => submit(open, input)} />}
    </div>
  );
}
