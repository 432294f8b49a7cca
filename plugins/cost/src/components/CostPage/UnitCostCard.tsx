import { InfoCard } from '@backstage/core-components';
import type { UnitCost } from '@internal/plugin-cost-common';
import Typography from '@material-ui/core/Typography';
import { formatMoney } from '../shared/format';
import { Stat } from '../shared/Stat';

/** Efficiency, not only spend: what the platform costs per 1,000 orders, or why that is unknown. */
export function UnitCostCard({ unit }: { unit: UnitCost }) {
  return (
    <InfoCard title="Cost per 1,000 orders" subheader={`${unit.from} to ${unit.to}`}>
      {unit.orders.available ? (
        <>
          <Stat
            label="Cost per 1,000 orders"
            value={unit.costPer1000Orders === null ? 'No orders in this period' : formatMoney(unit.costPer1000Orders, unit.currency)}
          />
          <Typography variant="body2">
            {formatMoney(unit.cost, unit.currency)} for {unit.orders.count.toLocaleString('en-US')} orders ({unit.orders.source}).
          </Typography>
        </>
      ) : (
        <Stat label="Cost per 1,000 orders" value="Unavailable" hint={`The order count could not be read: ${unit.orders.reason}`} />
      )}
    </InfoCard>
  );
}
