import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import { addDays, type Day } from '../domain/dates';
import { roundMicros } from '../domain/money';
import { UNALLOCATED_SERVICE, type DailyCostRow } from '../domain/types';
import { chargeCategoryOf, serviceCategoryOf } from './serviceCategories';
import { SourceResponseError, type CostSource } from './types';

export interface AwsCostExplorerOptions {
  /** Account the costs are filed under (Cost Explorer groups allow only two keys: the tag and SERVICE). */
  accountId: string;
  allocationTagKey: string;
  currency: string;
  /** Injected in tests; by default the SDK's credential chain reads AWS_* from the environment. */
  client?: CostExplorerClient;
  region?: string;
}

/**
 * AWS Cost Explorer GetCostAndUsage, DAILY, grouped by the cost-allocation TAG and the SERVICE dimension.
 * UnblendedCost is what the invoice bills; AmortizedCost spreads commitments, FOCUS's EffectiveCost.
 */
export function createAwsCostExplorerSource(options: AwsCostExplorerOptions): CostSource {
  const client = options.client ?? new CostExplorerClient({ region: options.region ?? 'us-east-1' });
  const name = 'aws-cost-explorer';
  return {
    name,
    kind: 'aws-cost-explorer',
    async fetchDailyCosts({ from, to }) {
      const rows: DailyCostRow[] = [];
      let nextPageToken: string | undefined;
      do {
        const page: GetCostAndUsageCommandOutput = await client.send(
          new GetCostAndUsageCommand({
            // Cost Explorer's End is exclusive.
            TimePeriod: { Start: from, End: addDays(to, 1) },
            Granularity: 'DAILY',
            Metrics: ['UnblendedCost', 'AmortizedCost'],
            GroupBy: [
              { Type: 'TAG', Key: options.allocationTagKey },
              { Type: 'DIMENSION', Key: 'SERVICE' },
            ],
            NextPageToken: nextPageToken,
          }),
        );
        for (const result of page.ResultsByTime ?? []) {
          const day = result.TimePeriod?.Start as Day | undefined;
          if (!day) throw new SourceResponseError(name, 'a ResultsByTime entry has no TimePeriod.Start');
          for (const group of result.Groups ?? []) {
            rows.push(toRow(name, day, group.Keys ?? [], group.Metrics ?? {}, options));
          }
        }
        nextPageToken = page.NextPageToken;
      } while (nextPageToken);
      return rows;
    },
  };
}

type Metrics = Record<string, { Amount?: string; Unit?: string }>;

function toRow(source: string, day: Day, keys: string[], metrics: Metrics, options: AwsCostExplorerOptions): DailyCostRow {
  const [tagKey, providerService] = keys;
  if (tagKey === undefined || providerService === undefined) {
    throw new SourceResponseError(source, `expected two group keys (tag, service), got ${JSON.stringify(keys)}`);
  }
  // Tag group keys read "<tag key>$<value>"; an untagged cost has an empty value.
  const tagValue = tagKey.slice(tagKey.indexOf('$') + 1);
  const billed = amountOf(source, metrics, 'UnblendedCost', options.currency);
  const effective = amountOf(source, metrics, 'AmortizedCost', options.currency);
  return {
    day,
    service: tagValue || UNALLOCATED_SERVICE,
    cloud: 'aws',
    accountId: options.accountId,
    category: serviceCategoryOf(providerService),
    providerService,
    chargeCategory: chargeCategoryOf(providerService),
    currency: options.currency,
    billedCost: billed,
    effectiveCost: effective,
  };
}

function amountOf(source: string, metrics: Metrics, metric: string, currency: string): number {
  const value = metrics[metric];
  if (!value?.Amount) throw new SourceResponseError(source, `group without ${metric}.Amount`);
  if (value.Unit && value.Unit !== currency) {
    throw new SourceResponseError(source, `${metric} in ${value.Unit}, expected ${currency}`);
  }
  const amount = Number(value.Amount);
  if (!Number.isFinite(amount)) throw new SourceResponseError(source, `${metric}.Amount is not a number: ${value.Amount}`);
  return roundMicros(amount);
}
