import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { ExperimentsApiError } from '../../api';

/** An error of the experiments backend; when the A/B testing service is down, says exactly that. */
export function ProblemPanel({ error }: { error: Error }) {
  if (error instanceof ExperimentsApiError && error.unavailable) {
    return (
      <WarningPanel severity="error" title="The A/B testing service is unavailable" defaultExpanded>
        {error.message}. Experiments cannot be shown or changed until it is back; nothing was changed.
      </WarningPanel>
    );
  }
  return <ResponseErrorPanel error={error} />;
}
