import { Progress, WarningPanel } from '@backstage/core-components';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import CardHeader from '@material-ui/core/CardHeader';
import Typography from '@material-ui/core/Typography';
import { type ReactNode, useId } from 'react';

/**
 * One card of the service Model tab: a region named by its heading (h2), its content, or while loading a progress
 * bar, or when its source is down a warning saying which source and why (the other cards are not affected).
 */
export function SourceCard(props: {
  title: string;
  subheader?: ReactNode;
  loading?: boolean;
  /** the failure of this card's source */
  error?: Error;
  /** e.g. "Experiments unavailable" */
  errorTitle?: string;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <Card component="section" aria-labelledby={id} style={{ height: '100%' }}>
      <CardHeader
        title={props.title}
        titleTypographyProps={{ component: 'h2', variant: 'h6', id }}
        subheader={props.subheader}
        subheaderTypographyProps={{ variant: 'body2' }}
      />
      <CardContent>
        {props.loading && <Progress />}
        {!props.loading && props.error && (
          <div role="alert" aria-label={props.errorTitle ?? `${props.title} unavailable`}>
            <WarningPanel severity="warning" title={props.errorTitle ?? `${props.title} unavailable`} defaultExpanded>
              <Typography variant="body2">{props.error.message}</Typography>
            </WarningPanel>
          </div>
        )}
        {!props.loading && !props.error && props.children}
      </CardContent>
    </Card>
  );
}
