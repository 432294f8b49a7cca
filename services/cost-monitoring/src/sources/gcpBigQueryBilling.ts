import type { Day } from '../domain/dates';
import { roundMicros } from '../domain/money';
import { UNALLOCATED_SERVICE, type DailyCostRow } from '../domain/types';
import { chargeCategoryOf, serviceCategoryOf } from './serviceCategories';
import { SourceResponseError, type CostSource } from './types';

export interface GcpBigQueryBillingOptions {
  /** Project that runs (and pays for) the query job. */
  projectId: string;
  /** The standard usage cost export table, `project.dataset.gcp_billing_export_v1_XXXXXX_XXXXXX_XXXXXX`. */
  table: string;
  allocationTagKey: string;
  currency: string;
  /** OAuth2 access token; by default from google-auth-library (GOOGLE_APPLICATION_CREDENTIALS). */
  getToken?: () => Promise<string>;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** How long BigQuery may wait for the job before answering jobComplete=false. */
  timeoutMs?: number;
}

interface QueryResponse {
  jobComplete?: boolean;
  jobReference?: { projectId: string; jobId: string; location?: string };
  schema?: { fields: Array<{ name: string; type: string }> };
  rows?: Array<{ f: Array<{ v: string | null }> }>;
  pageToken?: string;
}

const TABLE_PATTERN = /^[a-z][a-z0-9-]{4,61}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_]{1,1024}$/;

/**
 * Daily costs from the Cloud Billing export to BigQuery (standard usage cost schema): cost summed per day,
 * project, service.description and the allocation label; credits (negative) make the effective cost.
 */
export const GCP_BILLING_QUERY = (table: string) => `
SELECT
  FORMAT_DATE('%F', DATE(usage_start_time)) AS usage_date,
  project.id AS project_id,
  service.description AS service_description,
  (SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = @tag_key LIMIT 1) AS allocation,
  currency,
  SUM(cost) AS cost,
  SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0)) AS credits
FROM \`${table}\`
WHERE DATE(usage_start_time) BETWEEN @from_day AND @to_day
GROUP BY usage_date, project_id, service_description, allocation, currency
ORDER BY usage_date`;

/** BigQuery REST jobs.query, then jobs.getQueryResults for every further page (or an unfinished job). */
export function createGcpBigQueryBillingSource(options: GcpBigQueryBillingOptions): CostSource {
  const name = 'gcp-bigquery-billing';
  if (!TABLE_PATTERN.test(options.table)) {
    throw new Error(`GCP billing export table must be project.dataset.table, got "${options.table}"`);
  }
  const baseUrl = (options.baseUrl ?? 'https://bigquery.googleapis.com').replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  const getToken = options.getToken ?? defaultGoogleToken;
  const call = async (url: string, init: RequestInit = {}): Promise<QueryResponse> => {
    const response = await doFetch(url, {
      ...init,
      headers: { authorization: `Bearer ${await getToken()}`, 'content-type': 'application/json' },
    });
    if (!response.ok) {
      throw new SourceResponseError(name, `BigQuery answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
    return (await response.json()) as QueryResponse;
  };
  return {
    name,
    kind: 'gcp-bigquery-billing',
    async fetchDailyCosts({ from, to }) {
      const project = encodeURIComponent(options.projectId);
      let page = await call(`${baseUrl}/bigquery/v2/projects/${project}/queries`, {
        method: 'POST',
        body: JSON.stringify({
          query: GCP_BILLING_QUERY(options.table),
          useLegacySql: false,
          parameterMode: 'NAMED',
          queryParameters: [
            { name: 'tag_key', parameterType: { type: 'STRING' }, parameterValue: { value: options.allocationTagKey } },
            { name: 'from_day', parameterType: { type: 'DATE' }, parameterValue: { value: from } },
            { name: 'to_day', parameterType: { type: 'DATE' }, parameterValue: { value: to } },
          ],
          timeoutMs: options.timeoutMs ?? 30_000,
        }),
      });
      const rows: DailyCostRow[] = [];
      for (;;) {
        if (page.jobComplete !== false) rows.push(...toRows(name, page, options.currency));
        if (page.jobComplete !== false && !page.pageToken) return rows;
        const job = page.jobReference;
        if (!job) throw new SourceResponseError(name, 'an unfinished or paged response has no jobReference');
        const query = new URLSearchParams({ timeoutMs: String(options.timeoutMs ?? 30_000) });
        if (page.pageToken) query.set('pageToken', page.pageToken);
        if (job.location) query.set('location', job.location);
        page = await call(
          `${baseUrl}/bigquery/v2/projects/${encodeURIComponent(job.projectId)}/queries/${encodeURIComponent(job.jobId)}?${query}`,
        );
      }
    },
  };
}

function toRows(source: string, page: QueryResponse, currency: string): DailyCostRow[] {
  const fields = page.schema?.fields;
  if (!fields) return [];
  const at = (field: string) => {
    const index = fields.findIndex(f => f.name === field);
    if (index < 0) throw new SourceResponseError(source, `result has no ${field} column`);
    return index;
  };
  const columns = {
    day: at('usage_date'),
    project: at('project_id'),
    service: at('service_description'),
    allocation: at('allocation'),
    currency: at('currency'),
    cost: at('cost'),
    credits: at('credits'),
  };
  return (page.rows ?? []).map(({ f }) => {
    const value = (index: number) => f[index]?.v ?? null;
    const rowCurrency = value(columns.currency);
    if (rowCurrency !== currency) throw new SourceResponseError(source, `a row is in ${rowCurrency}, expected ${currency}`);
    const cost = Number(value(columns.cost));
    const credits = Number(value(columns.credits) ?? 0);
    if (!Number.isFinite(cost) || !Number.isFinite(credits)) {
      throw new SourceResponseError(source, `cost or credits is not a number in ${JSON.stringify(f)}`);
    }
    const providerService = value(columns.service) ?? 'Unassigned';
    return {
      day: String(value(columns.day)) as Day,
      service: value(columns.allocation)?.trim() || UNALLOCATED_SERVICE,
      cloud: 'gcp',
      accountId: value(columns.project) ?? 'unknown-project',
      category: serviceCategoryOf(providerService),
      providerService,
      chargeCategory: chargeCategoryOf(providerService),
      currency,
      billedCost: roundMicros(cost),
      effectiveCost: roundMicros(cost + credits),
    };
  });
}

async function defaultGoogleToken(): Promise<string> {
  const { GoogleAuth } = await import('google-auth-library');
  const token = await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/bigquery.readonly'] }).getAccessToken();
  if (!token) throw new Error('google-auth-library returned no access token');
  return token;
}
