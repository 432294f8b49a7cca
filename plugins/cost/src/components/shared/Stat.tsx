import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';

/** A labelled figure; the label is its accessible name so tests and screen readers find it by role. */
export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div role="group" aria-label={label} style={{ marginBottom: 16 }}>
      <Typography variant="overline" component="div">
        {label}
      </Typography>
      <Typography variant="h5" component="div">
        {value}
      </Typography>
      {hint && (
        <Typography variant="caption" component="div" color="textSecondary">
          {hint}
        </Typography>
      )}
    </div>
  );
}
