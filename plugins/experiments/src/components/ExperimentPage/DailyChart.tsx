import type { DailyResult } from '@internal/plugin-experiments-common';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent } from '../shared/format';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

type Measure = 'ctr' | 'conversionRate' | 'revenuePerUser' | 'users';

const MEASURES: Array<{ value: Measure; label: string }> = [
  { value: 'ctr', label: 'Click-through rate' },
  { value: 'conversionRate', label: 'Conversion rate' },
  { value: 'revenuePerUser', label: 'Revenue per user' },
  { value: 'users', label: 'Users' },
];

/** The results engine's daily cumulative figures, one line per variant. */
export function DailyChart({ daily, variants, height = 300 }: { daily: DailyResult[]; variants: string[]; height?: number }) {
  const [measure, setMeasure] = useState<Measure>('ctr');
  const rows = daily.map(day => ({
    date: day.date.slice(5),
    ...Object.fromEntries(day.variants.map(v => [v.variant, v[measure]])),
  }));
  const format = (value: number | null) => {
    if (value === null || value === undefined) return '—';
    if (measure === 'ctr' || measure === 'conversionRate') return formatPercent(value);
    return measure === 'users' ? String(value) : value.toFixed(2);
  };
  const label = MEASURES.find(m => m.value === measure)!.label;
  return (
    <>
      <TextField
        select
        label="Measure"
        value={measure}
        onChange={event => setMeasure(event.target.value as Measure)}
        SelectProps={{ inputProps: { 'aria-label': 'Measure' } }}
        style={{ minWidth: 200 }}
      >
        {MEASURES.map(m => (
          <MenuItem key={m.value} value={m.value}>
            {m.label}
          </MenuItem>
        ))}
      </TextField>
      <figure aria-label={`${label} by day, cumulative`} style={{ margin: 0 }}>
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="date" />
            <YAxis tickFormatter={format} width={70} />
            <Tooltip formatter={value => format(typeof value === 'number' ? value : null)} />
            <Legend />
            {variants.map((variant, index) => (
              <Line key={variant} type="monotone" dataKey={variant} stroke={PALETTE[index % PALETTE.length]} dot={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </>
  );
}
