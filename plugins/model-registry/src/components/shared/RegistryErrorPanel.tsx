import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/**
 * The backend's 503 (MLflow or the history database down) as a plain explanation with the backend's message;
 * anything else as Backstage's error panel.
 */
export function RegistryErrorPanel({ error }: { error: Error }) {
  const status = (error as { status?: number }).status;
  if (status === 503) {
    return (
      <div role="alert" aria-label="Model registry unavailable">
        <WarningPanel severity="error" title="Model registry unavailable" defaultExpanded>
          <Typography variant="body2">{error.message}</Typography>
          <Typography variant="body2" color="textSecondary">
            Nothing was changed. The page shows the models again as soon as the registry answers; reload to retry.
          </Typography>
        </WarningPanel>
      </div>
    );
  }
  return (
    <div role="alert" aria-label="Error">
      <ResponseErrorPanel error={error} />
    </div>
  );
}
