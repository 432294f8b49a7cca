import { addDays, eachDay, isoWeekday, type Day } from '../domain/dates';
import { DEFAULT_COST_ALLOCATION_TAG_KEY } from '../domain/platformServices';
import type { Cloud } from '../domain/types';

/**
 * The embedded default: a synthetic but realistic FOCUS 1.x billing dataset for the platform's twelve services.
 * Deterministic: the same end date and options always give byte-identical output (no Math.random, no clock).
 */

export interface DatasetOptions {
  /** Last day covered (inclusive); start-up passes today so month-to-date is always populated. */
  endDay: Day;
  /** Number of days covered, ending at endDay. */
  days?: number;
  allocationTagKey?: string;
}

/** Shape of the story the data tells, exported so tests and docs can refer to it. */
export const DATASET_STORY = {
  growthService: 'recommendation-service',
  /** Growth multiplier ramps linearly from start to end of the period. */
  growthFrom: 0.8,
  growthTo: 1.5,
  anomalyService: 'analytics-service',
  /** The anomaly (a runaway batch job) sits this many days before the end day. */
  anomalyDaysBeforeEnd: 9,
  anomalyFactor: 4,
  /** Traffic-driven lines follow this Monday..Sunday profile (mean 1). */
  weekdayProfile: [1.04, 1.05, 1.05, 1.04, 1.02, 0.9, 0.9],
  /** Day-to-day noise amplitude (uniform, +/-). */
  noise: 0.04,
} as const;

interface CostLine {
  providerService: string;
  category: string;
  /** Share of the service's monthly cost. */
  share: number;
  /** Whether the line follows traffic (weekly profile) or is flat (storage, reserved capacity). */
  trafficDriven: boolean;
  resourceType: string;
}

interface ServiceProfile {
  service: string;
  cloud: Cloud;
  /** Baseline monthly cost in USD. */
  monthly: number;
  lines: CostLine[];
}

const line = (
  providerService: string,
  category: string,
  share: number,
  trafficDriven: boolean,
  resourceType: string,
): CostLine => ({ providerService, category, share, trafficDriven, resourceType });

/**
 * Baselines sum to about $482 a month; the recommendation service's growth carries the latest month a few
 * percent over the $500 budget, which is the story the budget alert tells.
 */
export const SERVICE_PROFILES: readonly ServiceProfile[] = [
  {
    service: 'api-gateway',
    cloud: 'aws',
    monthly: 46,
    lines: [
      line('Amazon API Gateway', 'Networking', 0.55, true, 'API'),
      line('Amazon Elastic Compute Cloud', 'Compute', 0.3, true, 'Instance'),
      line('AWS Data Transfer', 'Networking', 0.15, true, 'Data Transfer'),
    ],
  },
  {
    service: 'user-service',
    cloud: 'aws',
    monthly: 36,
    lines: [
      line('Amazon Elastic Compute Cloud', 'Compute', 0.5, true, 'Instance'),
      line('Amazon Relational Database Service', 'Databases', 0.5, false, 'DB Instance'),
    ],
  },
  {
    service: 'product-service',
    cloud: 'aws',
    monthly: 44,
    lines: [
      line('Amazon Elastic Compute Cloud', 'Compute', 0.45, true, 'Instance'),
      line('Amazon DocumentDB', 'Databases', 0.55, false, 'DB Cluster'),
    ],
  },
  {
    service: 'event-tracking-service',
    cloud: 'aws',
    monthly: 82,
    lines: [
      line('Amazon Managed Streaming for Apache Kafka', 'Analytics', 0.7, false, 'Cluster'),
      line('Amazon Simple Storage Service', 'Storage', 0.2, true, 'Bucket'),
      line('Amazon Elastic Compute Cloud', 'Compute', 0.1, true, 'Instance'),
    ],
  },
  {
    service: 'cart-checkout-service',
    cloud: 'aws',
    monthly: 30,
    lines: [
      line('AWS Lambda', 'Compute', 0.4, true, 'Function'),
      line('Amazon Relational Database Service', 'Databases', 0.6, false, 'DB Instance'),
    ],
  },
  {
    service: 'cost-monitoring-service',
    cloud: 'aws',
    monthly: 8,
    lines: [
      line('Amazon Elastic Compute Cloud', 'Compute', 0.7, false, 'Instance'),
      line('AWS Cost Explorer', 'Management and Governance', 0.3, false, 'API'),
    ],
  },
  {
    service: 'recommendation-service',
    cloud: 'azure',
    monthly: 80,
    lines: [
      line('Virtual Machines', 'Compute', 0.7, true, 'Virtual Machine Scale Set'),
      line('Azure Cache for Redis', 'Databases', 0.3, false, 'Redis Cache'),
    ],
  },
  {
    service: 'feature-store-service',
    cloud: 'azure',
    monthly: 45,
    lines: [
      line('Azure Cache for Redis', 'Databases', 0.6, false, 'Redis Cache'),
      line('Storage', 'Storage', 0.4, false, 'Storage Account'),
    ],
  },
  {
    service: 'analytics-service',
    cloud: 'azure',
    monthly: 44,
    lines: [
      line('Virtual Machines', 'Compute', 0.6, true, 'Virtual Machine'),
      line('Azure Monitor', 'Management and Governance', 0.4, true, 'Log Analytics Workspace'),
    ],
  },
  {
    service: 'ab-testing-service',
    cloud: 'azure',
    monthly: 10,
    lines: [
      line('Azure Functions', 'Compute', 0.6, true, 'Function App'),
      line('Azure Cosmos DB', 'Databases', 0.4, false, 'Database Account'),
    ],
  },
  {
    service: 'notification-service',
    cloud: 'gcp',
    monthly: 12,
    lines: [
      line('Cloud Run', 'Compute', 0.7, true, 'Service'),
      line('Cloud Pub/Sub', 'Integration', 0.3, true, 'Topic'),
    ],
  },
  {
    service: 'search-service',
    cloud: 'gcp',
    monthly: 45,
    lines: [
      line('Compute Engine', 'Compute', 0.8, true, 'Instance'),
      line('Cloud Storage', 'Storage', 0.2, false, 'Bucket'),
    ],
  },
];

const PROVIDERS: Record<Cloud, { providerName: string; billingAccountId: string; subAccountId: string; subAccountName: string; region: string }> = {
  aws: {
    providerName: 'AWS',
    billingAccountId: '210987654321',
    subAccountId: '123456789012',
    subAccountName: 'reco-platform-prod',
    region: 'eu-west-1',
  },
  azure: {
    providerName: 'Microsoft',
    billingAccountId: '8611537',
    subAccountId: '6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7',
    subAccountName: 'reco-platform-prod',
    region: 'westeurope',
  },
  gcp: {
    providerName: 'Google Cloud',
    billingAccountId: '01A2B3-C4D5E6-F7A8B9',
    subAccountId: 'reco-platform-prod',
    subAccountName: 'reco-platform-prod',
    region: 'europe-west1',
  },
};

/** Column order of the generated file (a subset of FOCUS 1.1; the importer ignores extra columns). */
export const FOCUS_COLUMNS = [
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ChargeCategory',
  'ChargeFrequency',
  'ChargeDescription',
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ProviderName',
  'PublisherName',
  'InvoiceIssuerName',
  'ServiceName',
  'ServiceCategory',
  'SubAccountId',
  'SubAccountName',
  'RegionId',
  'ResourceId',
  'ResourceType',
  'Tags',
] as const;

export type FocusRecord = Record<(typeof FOCUS_COLUMNS)[number], string>;

/** FNV-1a: a stable 32-bit hash so every (day, service, line) gets its own reproducible noise. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function noise(key: string): number {
  return (hash32(key) / 0xffffffff) * 2 - 1;
}

export function generateFocusDataset(options: DatasetOptions): FocusRecord[] {
  const days = options.days ?? 120;
  const tagKey = options.allocationTagKey ?? DEFAULT_COST_ALLOCATION_TAG_KEY;
  const startDay = addDays(options.endDay, -(days - 1));
  const anomalyDay = addDays(options.endDay, -DATASET_STORY.anomalyDaysBeforeEnd);
  const records: FocusRecord[] = [];
  eachDay(startDay, options.endDay).forEach((day, index) => {
    const weekday = isoWeekday(day);
    for (const profile of SERVICE_PROFILES) {
      const provider = PROVIDERS[profile.cloud];
      const progress = days > 1 ? index / (days - 1) : 1;
      const growth =
        profile.service === DATASET_STORY.growthService
          ? DATASET_STORY.growthFrom + (DATASET_STORY.growthTo - DATASET_STORY.growthFrom) * progress
          : 1;
      const anomaly =
        profile.service === DATASET_STORY.anomalyService && day === anomalyDay ? DATASET_STORY.anomalyFactor : 1;
      for (const costLine of profile.lines) {
        const seasonal = costLine.trafficDriven ? DATASET_STORY.weekdayProfile[weekday] : 1;
        const jitter = 1 + DATASET_STORY.noise * noise(`${day}|${profile.service}|${costLine.providerService}`);
        const daily = ((profile.monthly * costLine.share * 12) / 365) * growth * seasonal * jitter * anomaly;
        const cost = daily.toFixed(6);
        const listCost = (daily * 1.1).toFixed(6);
        records.push({
          BillingAccountId: provider.billingAccountId,
          BillingAccountName: 'reco-platform',
          BillingCurrency: 'USD',
          BillingPeriodStart: `${day.slice(0, 7)}-01T00:00:00Z`,
          BillingPeriodEnd: `${nextMonthStart(day)}T00:00:00Z`,
          ChargePeriodStart: `${day}T00:00:00Z`,
          ChargePeriodEnd: `${addDays(day, 1)}T00:00:00Z`,
          ChargeCategory: 'Usage',
          ChargeFrequency: 'Usage-Based',
          ChargeDescription: `${costLine.providerService} usage for ${profile.service}`,
          BilledCost: cost,
          EffectiveCost: cost,
          ListCost: listCost,
          ProviderName: provider.providerName,
          PublisherName: provider.providerName,
          InvoiceIssuerName: provider.providerName,
          ServiceName: costLine.providerService,
          ServiceCategory: costLine.category,
          SubAccountId: provider.subAccountId,
          SubAccountName: provider.subAccountName,
          RegionId: provider.region,
          ResourceId: `${profile.service}/${costLine.resourceType.toLowerCase().replace(/\s+/g, '-')}`,
          ResourceType: costLine.resourceType,
          Tags: JSON.stringify({ [tagKey]: profile.service, environment: 'production' }),
        });
      }
    }
  });
  return records;
}

function nextMonthStart(day: Day): Day {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/** RFC 4180 CSV: quote every field that needs it, CRLF line ends. */
export function toFocusCsv(records: FocusRecord[]): string {
  const escape = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = [FOCUS_COLUMNS.join(',')];
  for (const record of records) lines.push(FOCUS_COLUMNS.map(column => escape(record[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
