import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  PROMOTION_METRIC,
  modelPromotePermission,
  modelRollbackPermission,
  type ActionResult,
  type ModelDetail,
} from '@internal/plugin-model-registry-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { modelRegistryApiRef } from '../../api';
import { formatMetric } from '../shared/format';

type Action = 'promote' | 'rollback';

/**
 * "Promote" and "Roll back", each shown only to those the permission policy allows on the model's catalog entity,
 * each asking for a reason that goes into the registry's history.
 */
export function ActionButtons({ model, onDone }: { model: ModelDetail; onDone: (result: ActionResult) => void }) {
  const resourceRef = model.catalog?.entityRef;
  const promote = usePermission({ permission: modelPromotePermission, resourceRef });
  const rollback = usePermission({ permission: modelRollbackPermission, resourceRef });
  const [open, setOpen] = useState<Action>();
  const candidates = model.versions.filter(v => v.version !== model.aliases.champion);

  return (
    <div style={{ display: 'flex', gap: 8 }}>
      {promote.allowed && (
        <Button variant="contained" color="primary" disabled={candidates.length === 0} onClick={() => setOpen('promote')}>
          Promote
        </Button>
      )}
      {rollback.allowed && (
        <Button
          variant="outlined"
          disabled={!model.aliases['previous-champion']}
          title={model.aliases['previous-champion'] ? undefined : 'No previous champion to roll back to'}
          onClick={() => setOpen('rollback')}
        >
          Roll back
        </Button>
      )}
      {open && (
        <ActionDialog
          action={open}
          model={model}
          onClose={() => setOpen(undefined)}
          onDone={result => {
            setOpen(undefined);
            onDone(result);
          }}
        />
      )}
    </div>
  );
}

function ActionDialog({
  action,
  model,
  onClose,
  onDone,
}: {
  action: Action;
  model: ModelDetail;
  onClose: () => void;
  onDone: (result: ActionResult) => void;
}) {
  const api = useApi(modelRegistryApiRef);
  const candidates = model.versions.filter(v => v.version !== model.aliases.champion);
  const [version, setVersion] = useState(model.aliases.challenger ?? candidates[0]?.version ?? '');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const champion = model.versions.find(v => v.version === model.aliases.champion);
  const chosen = model.versions.find(v => v.version === version);
  const below =
    action === 'promote' &&
    champion?.recallAt20 !== null &&
    champion?.recallAt20 !== undefined &&
    (chosen?.recallAt20 === null || (chosen?.recallAt20 ?? Infinity) < champion.recallAt20);
  const title = action === 'promote' ? `Promote a version of ${model.name}` : `Roll back ${model.name}`;

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result =
        action === 'promote'
          ? await api.promote(model.name, { version, reason: reason.trim() })
          : await api.rollback(model.name, { reason: reason.trim() });
      onDone(result);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby="model-action-title" fullWidth maxWidth="sm">
      <DialogTitle id="model-action-title">{title}</DialogTitle>
      <DialogContent>
        {action === 'promote' ? (
          <>
            <TextField
              select
              fullWidth
              label="Version"
              value={version}
              onChange={event => setVersion(event.target.value)}
              SelectProps={{ inputProps: { 'aria-label': 'Version' } }}
              margin="normal"
            >
              {candidates.map(v => (
                <MenuItem key={v.version} value={v.version}>
                  version {v.version}
                  {v.aliases.length > 0 ? ` (${v.aliases.join(', ')})` : ''} — recall@20 {formatMetric(v.recallAt20)}
                </MenuItem>
              ))}
            </TextField>
            <Typography variant="body2">
              {champion
                ? `The champion is version ${champion.version} with ${PROMOTION_METRIC} ${formatMetric(champion.recallAt20)}; version ${version} has ${formatMetric(chosen?.recallAt20)}.`
                : 'There is no champion yet.'}
            </Typography>
            {below && (
              <Typography variant="body2" color="secondary" style={{ marginTop: 8 }}>
                This version scores below the champion offline: the portal refuses it unless you hold the override
                permission (model-registry.model.promote.override).
              </Typography>
            )}
          </>
        ) : (
          <Typography variant="body2">
            The champion goes back from version {model.aliases.champion ?? 'none'} to version{' '}
            {model.aliases['previous-champion'] ?? 'none'}; serving follows within seconds.
          </Typography>
        )}
        <TextField
          fullWidth
          required
          multiline
          minRows={2}
          id="model-action-reason"
          label="Reason"
          helperText="Recorded in the registry's history with your name"
          value={reason}
          onChange={event => setReason(event.target.value)}
          margin="normal"
        />
        {error && (
          <Typography role="alert" variant="body2" color="error">
            {error.message}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || !reason.trim() || (action === 'promote' && !version)}
          onClick={submit}
        >
          {action === 'promote' ? 'Confirm promotion' : 'Confirm rollback'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
