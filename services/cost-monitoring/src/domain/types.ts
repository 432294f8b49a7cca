import type { Day } from './dates';

export type Cloud = 'aws' | 'azure' | 'gcp';

/** One aggregated cost line for a UTC day: the unit the store keeps and every source produces. */
export interface DailyCostRow {
  day: Day;
  /** The platform service from the cost-allocation tag, or `unallocated` when the tag is missing. */
  service: string;
  cloud: string;
  /** AWS account, Azure subscription or GCP project (FOCUS SubAccountId). */
  accountId: string;
  /** FOCUS ServiceCategory, e.g. Compute, Databases, Storage. */
  category: string;
  /** The provider's own service name (FOCUS ServiceName), e.g. "Amazon Relational Database Service". */
  providerService: string;
  /** FOCUS ChargeCategory: Usage, Purchase, Tax, Credit or Adjustment. */
  chargeCategory: string;
  currency: string;
  billedCost: number;
  effectiveCost: number;
}

export const UNALLOCATED_SERVICE = 'unallocated';
