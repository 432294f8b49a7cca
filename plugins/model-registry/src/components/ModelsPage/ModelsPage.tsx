import { Content, Header, Link, Page, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import type { ModelSummary } from '@internal/plugin-model-registry-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import { modelRouteRef } from '../../routes';
import { formatTime, shortRef } from '../shared/format';
import { RegistryErrorPanel } from '../shared/RegistryErrorPanel';

/** `/models`: every registered model with its champion, challenger, last training and owner. */
export function ModelsPage() {
  return (
    <Page themeId="tool">
      <Header title="Models" subtitle="Registered models in MLflow: which version is served, which one waits" />
      <Content>
        <ModelsTable />
      </Content>
    </Page>
  );
}

export function ModelsTable() {
  const api = useApi(modelRegistryApiRef);
  const models = useAsync(() => api.listModels(), [api]);
  if (models.loading) return <Progress />;
  if (models.error) return <RegistryErrorPanel error={models.error} />;
  const items = models.value ?? [];
  if (items.length === 0) return <Typography variant="body2">No registered models in MLflow yet.</Typography>;
  return (
    <Table size="small" aria-label="Registered models">
      <TableHead>
        <TableRow>
          <TableCell>Model</TableCell>
          <TableCell>Champion</TableCell>
          <TableCell>Challenger</TableCell>
          <TableCell>Last trained</TableCell>
          <TableCell>Owner</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(model => (
          <ModelRow key={model.name} model={model} />
        ))}
      </TableBody>
    </Table>
  );
}

function ModelRow({ model }: { model: ModelSummary }) {
  const modelLink = useRouteRef(modelRouteRef);
  const href = modelLink?.({ name: model.name }) ?? encodeURIComponent(model.name);
  return (
    <TableRow>
      <TableCell>
        <Link to={href}>{model.name}</Link>
        {model.catalog?.title && (
          <Typography variant="caption" component="div" color="textSecondary">
            {model.catalog.title}
          </Typography>
        )}
      </TableCell>
      <TableCell>{model.aliases.champion ? `version ${model.aliases.champion}` : 'none'}</TableCell>
      <TableCell>{model.aliases.challenger ? `version ${model.aliases.challenger}` : 'none'}</TableCell>
      <TableCell>{formatTime(model.lastTrainedAt)}</TableCell>
      <TableCell title={model.catalog?.owner ?? 'not in the catalog'}>
        {model.catalog ? shortRef(model.catalog.owner) : 'not in the catalog'}
      </TableCell>
    </TableRow>
  );
}
