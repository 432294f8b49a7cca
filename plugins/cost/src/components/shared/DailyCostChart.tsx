import type { DailyCosts } from '@internal/plugin-cost-common';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney } from './format';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31'];

/** Daily cost as stacked bars, one stack per cloud or service. */
export function DailyCostChart({ data, height = 300 }: { data: DailyCosts; height?: number }) {
  const rows = data.days.map(day => ({
    day: day.day.slice(5),
    ...Object.fromEntries(day.groups.map(group => [group.key, group.amount])),
  }));
  return (
    <figure aria-label={`Daily cost by ${data.stackBy}`} style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={rows}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" />
          <YAxis tickFormatter={(value: number) => formatMoney(value, data.currency)} width={80} />
          <Tooltip formatter={(value: number) => formatMoney(value, data.currency)} />
          <Legend />
          {data.keys.map((key, index) => (
            <Bar key={key} dataKey={key} stackId="cost" fill={PALETTE[index % PALETTE.length]} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
