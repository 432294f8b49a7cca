import { InfoCard } from '@backstage/core-components';
import type { TopMovers } from '@internal/plugin-cost-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { formatMoney, formatPercent } from '../shared/format';

export function TopMoversCard({ movers }: { movers: TopMovers }) {
  const money = (amount: number) => formatMoney(amount, movers.currency);
  return (
    <InfoCard title="Top movers" subheader={`Against ${movers.previousFrom} to ${movers.previousTo}`}>
      <Table size="small" aria-label="Top movers">
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            <TableCell align="right">Now</TableCell>
            <TableCell align="right">Change</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {movers.items.map(item => (
            <TableRow key={item.service}>
              <TableCell>{item.service}</TableCell>
              <TableCell align="right">{money(item.current)}</TableCell>
              <TableCell align="right" title={`before: ${money(item.previous)}`}>
                {item.change >= 0 ? '+' : ''}
                {money(item.change)}
                {item.changeRatio !== null && ` (${formatPercent(item.changeRatio, true)})`}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
