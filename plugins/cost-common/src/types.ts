/** Shapes of the cost API (catalog-info/apis/cost-api.openapi.yaml), as the portal passes them through. */

export type CostDimension = 'service' | 'cloud' | 'category' | 'day';
export type StackDimension = 'cloud' | 'service';
export type AlertStatus = 'open' | 'acknowledged' | 'snoozed';
export type AlertKind = 'forecast-over-budget' | 'day-over-day' | 'week-over-week';

/** The catalog annotation whose value is the service's cost-allocation tag in the clouds. */
export const COST_ALLOCATION_ANNOTATION = 'platform.example.com/cost-allocation-tag';

export interface CostGroup {
  key: string;
  amount: number;
}

export interface CostBreakdown {
  from: string;
  to: string;
  groupBy: CostDimension;
  currency: string;
  total: number;
  groups: CostGroup[];
}

export interface DailyCosts {
  from: string;
  to: string;
  stackBy: StackDimension;
  currency: string;
  keys: string[];
  total: number;
  days: Array<{ day: string; total: number; groups: CostGroup[] }>;
}

export interface CostSummary {
  month: string;
  currency: string;
  asOf: string;
  daysElapsed: number;
  daysInMonth: number;
  monthToDate: number;
  budget: number;
  forecast: number;
  forecastMethod: string;
  budgetUsedRatio: number;
  forecastOverBudget: boolean;
  byCloud: CostGroup[];
  byService: Array<CostGroup & { forecast: number }>;
}

export interface TopMovers {
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  currency: string;
  items: Array<{ service: string; current: number; previous: number; change: number; changeRatio: number | null }>;
}

export interface UnitCost {
  from: string;
  to: string;
  currency: string;
  cost: number;
  orders: { available: true; count: number; source: string } | { available: false; reason: string };
  costPer1000Orders: number | null;
}

export interface CostAlert {
  id: string;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  status: AlertStatus;
  service: string | null;
  message: string;
  periodStart: string;
  periodEnd: string;
  amount: number;
  baseline: number;
  change: number;
  threshold: number;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  snoozedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Period {
  from: string;
  to: string;
}

/**
 * What the portal's cost backend offers (`/api/cost`); the frontend client implements it over HTTP and tests
 * implement it in memory.
 */
export interface CostApi {
  getSummary(month?: string): Promise<CostSummary>;
  getCosts(query: Period & { groupBy: CostDimension; service?: string }): Promise<CostBreakdown>;
  getDailyCosts(query: Period & { stackBy: StackDimension; service?: string }): Promise<DailyCosts>;
  getTopMovers(query: Period & { limit?: number }): Promise<TopMovers>;
  getUnitCost(query: Period): Promise<UnitCost>;
  listAlerts(query?: { status?: AlertStatus; service?: string }): Promise<CostAlert[]>;
  acknowledgeAlert(id: string): Promise<CostAlert>;
  snoozeAlert(id: string, until: Date): Promise<CostAlert>;
  /** Undoes an acknowledgement or a snooze. */
  reopenAlert(id: string): Promise<CostAlert>;
}
