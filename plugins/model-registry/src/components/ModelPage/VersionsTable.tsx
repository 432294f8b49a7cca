import { InfoCard } from '@backstage/core-components';
import type { ModelVersionDetail } from '@internal/plugin-model-registry-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { AliasChips } from '../shared/AliasChips';
import { formatMetric, formatTime, shortId } from '../shared/format';

/** Every version, newest first: when, from which run and data, how it scored offline, which alias it holds. */
export function VersionsTable({ versions }: { versions: ModelVersionDetail[] }) {
  return (
    <InfoCard title="Versions" subheader={`${versions.length} registered`}>
      <Table size="small" aria-label="Versions">
        <TableHead>
          <TableRow>
            <TableCell>Version</TableCell>
            <TableCell>Aliases</TableCell>
            <TableCell>Created</TableCell>
            <TableCell>Run</TableCell>
            <TableCell>Dataset</TableCell>
            <TableCell align="right">recall@20</TableCell>
            <TableCell align="right">popularity recall@20</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {versions.map(version => (
            <TableRow key={version.version}>
              <TableCell>version {version.version}</TableCell>
              <TableCell>
                <AliasChips aliases={version.aliases} />
              </TableCell>
              <TableCell>{formatTime(version.createdAt)}</TableCell>
              <TableCell title={version.runId ?? undefined}>{shortId(version.runId)}</TableCell>
              <TableCell title={version.datasetSha256 ?? undefined}>{shortId(version.datasetSha256)}</TableCell>
              <TableCell align="right">{formatMetric(version.recallAt20)}</TableCell>
              <TableCell align="right">{formatMetric(version.popularityRecallAt20)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
