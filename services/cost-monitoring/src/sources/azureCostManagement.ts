import type { Day } from '../domain/dates';
import { roundMicros } from '../domain/money';
import { UNALLOCATED_SERVICE, type DailyCostRow } from '../domain/types';
import { chargeCategoryOf, serviceCategoryOf } from './serviceCategories';
import { SourceResponseError, type CostSource } from './types';

export interface AzureCostManagementOptions {
  /** e.g. `subscriptions/6f1c...`; its id is the account of every row. */
  scope: string;
  allocationTagKey: string;
  currency: string;
  /** Bearer token for https://management.azure.com; by default from @azure/identity (AZURE_* env). */
  getToken?: () => Promise<string>;
  baseUrl?: string;
  fetch?: typeof fetch;
}

const API_VERSION = '2023-11-01';

interface QueryResult {
  properties?: {
    nextLink?: string | null;
    columns?: Array<{ name: string; type: string }>;
    rows?: unknown[][];
  };
}

/**
 * Azure Cost Management Query API: POST {scope}/providers/Microsoft.CostManagement/query with Daily
 * granularity, grouped by the cost-allocation TagKey and the ServiceName dimension (the API allows two
 * groupings); pages follow `properties.nextLink` with the same body.
 */
export function createAzureCostManagementSource(options: AzureCostManagementOptions): CostSource {
  const name = 'azure-cost-management';
  const baseUrl = (options.baseUrl ?? 'https://management.azure.com').replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  const getToken = options.getToken ?? defaultAzureToken;
  const accountId = options.scope.split('/').filter(Boolean).pop() ?? options.scope;
  return {
    name,
    kind: 'azure-cost-management',
    async fetchDailyCosts({ from, to }) {
      const body = JSON.stringify({
        type: 'ActualCost',
        timeframe: 'Custom',
        timePeriod: { from: `${from}T00:00:00Z`, to: `${to}T23:59:59Z` },
        dataset: {
          granularity: 'Daily',
          aggregation: { totalCost: { name: 'Cost', function: 'Sum' } },
          grouping: [
            { type: 'TagKey', name: options.allocationTagKey },
            { type: 'Dimension', name: 'ServiceName' },
          ],
        },
      });
      const rows: DailyCostRow[] = [];
      let url: string | null = `${baseUrl}/${options.scope.replace(/^\//, '')}/providers/Microsoft.CostManagement/query?api-version=${API_VERSION}`;
      while (url) {
        const response = await doFetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${await getToken()}`, 'content-type': 'application/json' },
          body,
        });
        if (!response.ok) {
          throw new SourceResponseError(name, `query answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
        }
        const result = (await response.json()) as QueryResult;
        rows.push(...toRows(name, result, { ...options, accountId }));
        url = result.properties?.nextLink || null;
      }
      return rows;
    },
  };
}

function toRows(source: string, result: QueryResult, options: AzureCostManagementOptions & { accountId: string }): DailyCostRow[] {
  const columns = result.properties?.columns;
  if (!columns) throw new SourceResponseError(source, 'response has no properties.columns');
  const index = (...names: string[]) => columns.findIndex(column => names.includes(column.name));
  // Pay-as-you-go and EA scopes name the amount PreTaxCost; MCA scopes name it Cost.
  const cost = index('Cost', 'PreTaxCost', 'CostUSD');
  const date = index('UsageDate');
  const tagValue = index('TagValue');
  const service = index('ServiceName');
  const currency = index('Currency');
  for (const [column, at] of Object.entries({ Cost: cost, UsageDate: date, TagValue: tagValue, ServiceName: service })) {
    if (at < 0) throw new SourceResponseError(source, `response has no ${column} column`);
  }
  return (result.properties?.rows ?? []).map(row => {
    const rowCurrency = currency >= 0 ? String(row[currency]) : options.currency;
    if (rowCurrency !== options.currency) {
      throw new SourceResponseError(source, `a row is in ${rowCurrency}, expected ${options.currency}`);
    }
    const amount = Number(row[cost]);
    if (!Number.isFinite(amount)) throw new SourceResponseError(source, `cost is not a number: ${String(row[cost])}`);
    const providerService = String(row[service] ?? '') || 'Unassigned';
    return {
      day: usageDateToDay(source, row[date]),
      service: String(row[tagValue] ?? '').trim() || UNALLOCATED_SERVICE,
      cloud: 'azure',
      accountId: options.accountId,
      category: serviceCategoryOf(providerService),
      providerService,
      chargeCategory: chargeCategoryOf(providerService),
      currency: rowCurrency,
      billedCost: roundMicros(amount),
      effectiveCost: roundMicros(amount),
    };
  });
}

/** UsageDate comes as the number yyyymmdd (e.g. 20261114). */
function usageDateToDay(source: string, value: unknown): Day {
  const text = String(value);
  if (!/^\d{8}$/.test(text)) throw new SourceResponseError(source, `UsageDate is not yyyymmdd: ${text}`);
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
}

async function defaultAzureToken(): Promise<string> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  const token = await new DefaultAzureCredential().getToken('https://management.azure.com/.default');
  return token.token;
}
