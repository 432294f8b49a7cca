import { Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import { modelRouteRef } from '../../routes';

/**
 * The home page's models: the champion and challenger versions of each model a catalog entity names (the platform's
 * models; test and scratch registrations stay on the Models page), linking to its page.
 */
export function ServingModelsWidget() {
  const api = useApi(modelRegistryApiRef);
  const modelLink = useRouteRef(modelRouteRef);
  const data = useAsync(() => api.listModels(), [api]);
  if (data.loading) return <Progress />;
  // without MLflow the card stays quiet rather than showing an error on everyone's home page
  if (data.error)
    return (
      <Typography variant="body2">
        The model registry is not available right now.
      </Typography>
    );
  const cataloged = data.value!.filter(model => model.catalog !== null);
  const others = data.value!.length - cataloged.length;
  if (cataloged.length === 0)
    return <Typography variant="body2">No model of the catalog is registered yet.</Typography>;
  return (
    <List dense aria-label="Serving models">
      {cataloged.map(model => (
        <ListItem key={model.name} disableGutters>
          <ListItemText
            primary={
              modelLink ? (
                <Link to={modelLink({ name: model.name })}>{model.name}</Link>
              ) : (
                model.name
              )
            }
            secondary={[
              `champion ${
                model.aliases.champion
                  ? `version ${model.aliases.champion}`
                  : 'none'
              }`,
              `challenger ${
                model.aliases.challenger
                  ? `version ${model.aliases.challenger}`
                  : 'none'
              }`,
            ].join(' · ')}
          />
        </ListItem>
      ))}
      {others > 0 && (
        <ListItem disableGutters>
          <Typography variant="caption">
            {`and ${others} more in the registry that no catalog entity names: `}
            <Link to="/models">all models</Link>
          </Typography>
        </ListItem>
      )}
    </List>
  );
}
