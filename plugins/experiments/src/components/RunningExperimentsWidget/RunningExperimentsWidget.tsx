import { Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { splitOf, verdictOf } from '@internal/plugin-experiments-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { experimentsApiRef } from '../../api';
import { experimentRouteRef } from '../../routes';
import { SrmBadge, VerdictText } from '../shared/Badges';
import { withResults } from '../shared/useResults';

/** The home page's running experiments: each with its split, SRM state and verdict, linking to its page. */
export function RunningExperimentsWidget() {
  const api = useApi(experimentsApiRef);
  const experimentLink = useRouteRef(experimentRouteRef);
  const data = useAsync(
    async () =>
      withResults(api, await api.listExperiments({ status: 'running' })),
    [api],
  );
  if (data.loading) return <Progress />;
  // before the A/B testing service runs, the card stays quiet rather than showing an error on everyone's home page
  if (data.error)
    return (
      <Typography variant="body2">
        Experiments are not available right now.
      </Typography>
    );
  if (data.value!.length === 0)
    return <Typography variant="body2">No experiment is running.</Typography>;
  return (
    <List dense aria-label="Running experiments">
      {data.value!.map(({ experiment, results }) => (
        <ListItem key={experiment.key} disableGutters>
          <ListItemText
            primary={
              <>
                {experimentLink ? (
                  <Link to={experimentLink({ key: experiment.key })}>
                    {experiment.key}
                  </Link>
                ) : (
                  experiment.key
                )}
                {` · ${splitOf(experiment.variants)} `}
                <SrmBadge results={results} />
              </>
            }
            secondary={<VerdictText verdict={verdictOf(experiment, results)} />}
            secondaryTypographyProps={{ component: 'div' }}
          />
        </ListItem>
      ))}
    </List>
  );
}
