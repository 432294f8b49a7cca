import type { Day } from '../domain/dates';
import type { DailyCostRow } from '../domain/types';

/** A billing source the poller can ask for the daily costs of a period (both days included). */
export interface CostSource {
  /** Stable name, used in the imports table and the polling lock. */
  name: string;
  kind: 'aws-cost-explorer' | 'azure-cost-management' | 'gcp-bigquery-billing';
  fetchDailyCosts(period: { from: Day; to: Day }): Promise<DailyCostRow[]>;
}

/** Raised when a provider answers with something other than its documented shape. */
export class SourceResponseError extends Error {
  constructor(source: string, detail: string) {
    super(`${source}: ${detail}`);
    this.name = 'SourceResponseError';
  }
}
