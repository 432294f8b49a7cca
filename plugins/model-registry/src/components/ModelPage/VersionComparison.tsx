import { InfoCard } from '@backstage/core-components';
import type { ModelDetail, ModelVersionDetail } from '@internal/plugin-model-registry-common';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { formatMetric, formatTime, shortId } from '../shared/format';

interface Row {
  label: string;
  left: string;
  right: string;
}

function rowsOf(left: ModelVersionDetail, right: ModelVersionDetail): Row[] {
  const rows: Row[] = [
    { label: 'Aliases', left: left.aliases.join(', ') || '—', right: right.aliases.join(', ') || '—' },
    { label: 'Created', left: formatTime(left.createdAt), right: formatTime(right.createdAt) },
    { label: 'Run', left: shortId(left.runId), right: shortId(right.runId) },
    { label: 'Dataset fingerprint', left: shortId(left.datasetSha256), right: shortId(right.datasetSha256) },
    { label: 'recall@20', left: formatMetric(left.recallAt20), right: formatMetric(right.recallAt20) },
    {
      label: 'popularity recall@20',
      left: formatMetric(left.popularityRecallAt20),
      right: formatMetric(right.popularityRecallAt20),
    },
  ];
  const metrics = Array.from(new Set([...Object.keys(left.metrics), ...Object.keys(right.metrics)])).sort();
  for (const key of metrics)
    rows.push({ label: `metric ${key}`, left: formatMetric(left.metrics[key]), right: formatMetric(right.metrics[key]) });
  const params = Array.from(new Set([...Object.keys(left.params), ...Object.keys(right.params)])).sort();
  for (const key of params) rows.push({ label: `param ${key}`, left: left.params[key] ?? '—', right: right.params[key] ?? '—' });
  return rows;
}

function VersionSelect({ label, value, versions, onChange }: { label: string; value: string; versions: ModelVersionDetail[]; onChange: (v: string) => void }) {
  return (
    <TextField
      select
      label={label}
      value={value}
      onChange={event => onChange(event.target.value)}
      SelectProps={{ inputProps: { 'aria-label': label } }}
      style={{ minWidth: 140, marginLeft: 16 }}
    >
      {versions.map(version => (
        <MenuItem key={version.version} value={version.version}>
          version {version.version}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Two chosen versions side by side: data, offline metrics, every run metric and param; differences in bold. */
export function VersionComparison({ model }: { model: ModelDetail }) {
  const { versions, aliases } = model;
  const initialLeft = aliases.champion ?? versions[1]?.version ?? versions[0]?.version ?? '';
  const initialRight = aliases.challenger ?? versions.find(v => v.version !== initialLeft)?.version ?? initialLeft;
  const [left, setLeft] = useState(initialLeft);
  const [right, setRight] = useState(initialRight);
  const a = versions.find(v => v.version === left);
  const b = versions.find(v => v.version === right);
  return (
    <InfoCard
      title="Compare versions"
      action={
        <>
          <VersionSelect label="First version" value={left} versions={versions} onChange={setLeft} />
          <VersionSelect label="Second version" value={right} versions={versions} onChange={setRight} />
        </>
      }
    >
      {a && b && (
        <Table size="small" aria-label="Version comparison">
          <TableHead>
            <TableRow>
              <TableCell />
              <TableCell>version {a.version}</TableCell>
              <TableCell>version {b.version}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rowsOf(a, b).map(row => {
              const differs = row.left !== row.right;
              const style = differs ? { fontWeight: 600 } : undefined;
              return (
                <TableRow key={row.label}>
                  <TableCell component="th" scope="row">
                    {row.label}
                  </TableCell>
                  <TableCell style={style}>{row.left}</TableCell>
                  <TableCell style={style}>{row.right}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
