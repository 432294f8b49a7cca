import { z } from 'zod';

/** FOCUS 1.x ServiceCategory allowed values. */
export const FOCUS_SERVICE_CATEGORIES = [
  'AI and Machine Learning',
  'Analytics',
  'Business Applications',
  'Compute',
  'Databases',
  'Developer Tools',
  'Multicloud',
  'Identity',
  'Integration',
  'Internet of Things',
  'Management and Governance',
  'Media',
  'Migration',
  'Mobile',
  'Networking',
  'Security',
  'Storage',
  'Web',
  'Other',
] as const;

/** FOCUS 1.x ChargeCategory allowed values. */
export const FOCUS_CHARGE_CATEGORIES = ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'] as const;

/** The FOCUS columns the importer needs; others (ListCost, RegionId, ResourceId ...) are accepted and ignored. */
export const REQUIRED_FOCUS_COLUMNS = [
  'BilledCost',
  'EffectiveCost',
  'BillingCurrency',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ChargeCategory',
  'ProviderName',
  'ServiceName',
  'ServiceCategory',
  'SubAccountId',
  'Tags',
] as const;

const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** CSV gives strings and Parquet gives typed values; both arrive here and leave as one shape. */
const emptyToNull = (value: unknown) => (value === '' || value === undefined ? null : value);

const decimal = z.preprocess(
  value => {
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value);
    return value;
  },
  z.number({ error: 'expected a decimal number' }).finite(),
);

const timestamp = z.preprocess(
  value => (typeof value === 'string' && DATETIME.test(value.trim()) ? new Date(value.trim()) : value),
  z
    .date({ error: 'expected an ISO 8601 date-time with a UTC offset, e.g. 2026-11-01T00:00:00Z' })
    .refine(date => !Number.isNaN(date.getTime()), 'invalid date'),
);

const requiredText = z.string().trim().min(1, 'must not be empty');

const tags = z.preprocess(
  value => {
    if (value instanceof Map) return Object.fromEntries(value);
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  },
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String), {
    error: 'expected a JSON object of tag keys to values',
  }),
);

export const focusRowSchema = z
  .object({
    BilledCost: decimal,
    EffectiveCost: decimal,
    BillingCurrency: z
      .string()
      .trim()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code'),
    ChargePeriodStart: timestamp,
    ChargePeriodEnd: timestamp,
    ChargeCategory: z.enum(FOCUS_CHARGE_CATEGORIES),
    ProviderName: requiredText,
    ServiceName: requiredText,
    ServiceCategory: z.enum(FOCUS_SERVICE_CATEGORIES),
    SubAccountId: z.preprocess(emptyToNull, z.union([z.string().trim().min(1), z.number().transform(String)]).nullable()),
    BillingAccountId: z.preprocess(emptyToNull, z.union([z.string(), z.number().transform(String)]).nullish()),
    Tags: z.preprocess(emptyToNull, tags.nullable()),
  })
  .superRefine((row, ctx) => {
    if (row.ChargePeriodEnd.getTime() <= row.ChargePeriodStart.getTime()) {
      ctx.addIssue({
        code: 'custom',
        path: ['ChargePeriodEnd'],
        message: 'must be after ChargePeriodStart',
      });
    }
    if (row.SubAccountId === null && !row.BillingAccountId) {
      ctx.addIssue({
        code: 'custom',
        path: ['SubAccountId'],
        message: 'SubAccountId or BillingAccountId is required to attribute the cost to an account',
      });
    }
  });

export type FocusRow = z.output<typeof focusRowSchema>;
