import { InfoCard } from '@backstage/core-components';
import { PROMOTION_METRIC, type ModelVersionDetail } from '@internal/plugin-model-registry-common';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMetric } from '../shared/format';

/** The value of `metric` for a version: the promotion metric from its tag, others from its run. */
function valueOf(version: ModelVersionDetail, metric: string): number | null {
  if (metric === PROMOTION_METRIC) return version.recallAt20;
  if (metric === 'popularity_recall_at_20') return version.popularityRecallAt20;
  return version.metrics[metric] ?? null;
}

/** An offline metric across versions, oldest to newest, with the popularity baseline for recall@20. */
export function MetricChart({ versions, height = 280 }: { versions: ModelVersionDetail[]; height?: number }) {
  const keys = Array.from(new Set([PROMOTION_METRIC, ...versions.flatMap(v => Object.keys(v.metrics))])).sort();
  const [metric, setMetric] = useState(PROMOTION_METRIC);
  const rows = [...versions]
    .reverse()
    .map(version => ({
      version: `v${version.version}`,
      [metric]: valueOf(version, metric),
      ...(metric === PROMOTION_METRIC ? { popularity_recall_at_20: version.popularityRecallAt20 } : {}),
    }));
  return (
    <InfoCard
      title="Offline metric across versions"
      action={
        <TextField
          select
          label="Metric"
          value={metric}
          onChange={event => setMetric(event.target.value)}
          SelectProps={{ inputProps: { 'aria-label': 'Metric' } }}
        >
          {keys.map(key => (
            <MenuItem key={key} value={key}>
              {key}
            </MenuItem>
          ))}
        </TextField>
      }
    >
      <figure aria-label={`${metric} across versions`} style={{ margin: 0 }}>
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="version" />
            <YAxis tickFormatter={(value: number) => formatMetric(value)} width={70} domain={['auto', 'auto']} />
            <Tooltip formatter={(value: number) => formatMetric(value)} />
            <Legend />
            <Line type="monotone" dataKey={metric} stroke="#1f77b4" connectNulls />
            {metric === PROMOTION_METRIC && (
              <Line type="monotone" dataKey="popularity_recall_at_20" stroke="#7f7f7f" strokeDasharray="4 4" connectNulls />
            )}
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </InfoCard>
  );
}
