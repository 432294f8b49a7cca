import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { AliasHistoryEntry, ChampionAtTime } from '@internal/plugin-model-registry-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState, type FormEvent } from 'react';
import { modelRegistryApiRef } from '../../api';
import { formatTime } from '../shared/format';
import { RegistryErrorPanel } from '../shared/RegistryErrorPanel';

const ACTION_LABEL: Record<AliasHistoryEntry['action'], string> = {
  nominate: 'Nominated',
  promote: 'Promoted',
  demote: 'Demoted',
  rollback: 'Rolled back to',
};

const change = (before: string | null, after: string | null) =>
  before === after ? (after ?? 'none') : `${before ?? 'none'} → ${after ?? 'none'}`;

function championAtText(answer: ChampionAtTime): string {
  const when = formatTime(answer.at);
  if (!answer.known) return `No registry operation on this model before ${when}: the champion then is not recorded.`;
  if (!answer.version) return `At ${when} the model had no champion.`;
  const entry = answer.entry!;
  return `At ${when} the champion was version ${answer.version} (since ${formatTime(entry.at)}, ${entry.action} by ${entry.actor}: ${entry.reason}).`;
}

/** The registry's append-only history of the model, and "what was champion at time T". */
export function AliasHistoryCard({ model, history }: { model: string; history: AliasHistoryEntry[] }) {
  const api = useApi(modelRegistryApiRef);
  const [at, setAt] = useState('');
  const [answer, setAnswer] = useState<ChampionAtTime>();
  const [error, setError] = useState<Error>();

  const ask = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setAnswer(undefined);
    // datetime-local has no zone: the page speaks UTC throughout
    const time = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(at) ? at : `${at}Z`);
    if (!at || Number.isNaN(time.getTime())) {
      setError(new Error('Give a time, e.g. 2026-12-01T10:00'));
      return;
    }
    try {
      setAnswer(await api.getChampionAt(model, time));
    } catch (e) {
      setError(e as Error);
    }
  };

  return (
    <InfoCard title="Alias history" subheader="Every registry operation on this model, newest first (times in UTC)">
      <form onSubmit={ask} aria-label="Champion at time" style={{ display: 'flex', alignItems: 'flex-end', gap: 16, marginBottom: 16 }}>
        <TextField
          id="model-champion-at"
          label="Time (UTC)"
          type="datetime-local"
          value={at}
          onChange={event => setAt(event.target.value)}
          InputLabelProps={{ shrink: true }}
          inputProps={{ step: 1 }}
        />
        <Button type="submit" variant="outlined">
          Show champion
        </Button>
      </form>
      {answer && (
        <Typography role="status" variant="body2" style={{ marginBottom: 16 }}>
          {championAtText(answer)}
        </Typography>
      )}
      {error && <RegistryErrorPanel error={error} />}
      {history.length === 0 ? (
        <Typography variant="body2">The registry has not operated on this model yet.</Typography>
      ) : (
        <Table size="small" aria-label="Alias history">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Operation</TableCell>
              <TableCell>Champion</TableCell>
              <TableCell>Challenger</TableCell>
              <TableCell>Actor</TableCell>
              <TableCell>Reason</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {history.map(entry => (
              <TableRow key={entry.id}>
                <TableCell>{formatTime(entry.at)}</TableCell>
                <TableCell>
                  {ACTION_LABEL[entry.action]} version {entry.version}
                </TableCell>
                <TableCell>{change(entry.before.champion, entry.after.champion)}</TableCell>
                <TableCell>{change(entry.before.challenger, entry.after.challenger)}</TableCell>
                <TableCell>{entry.actor}</TableCell>
                <TableCell>{entry.reason}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
