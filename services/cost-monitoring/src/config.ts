import { z } from 'zod';
import { loadServiceConfig } from '@platform/service-kit';
import { DEFAULT_GROWTH_THRESHOLDS } from './domain/alerts';
import { isDay } from './domain/dates';

const thresholdsSchema = z.record(
  z.string(),
  z.object({ dayOverDay: z.number().positive(), weekOverWeek: z.number().positive(), minDelta: z.number().nonnegative() }).partial(),
);

const jsonOf = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const flag = z.enum(['true', 'false']).transform(value => value === 'true');

export const costConfigSchema = z.object({
  DATABASE_URL: z.string().min(1),
  /** The service's own database on that server, created on first start. */
  COST_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default('cost'),
  /** The cart-checkout service's database, read for the order count; unset = its default `orders` on DATABASE_URL. */
  ORDERS_DATABASE_URL: z.string().min(1).optional(),
  COST_CURRENCY: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  COST_MONTHLY_BUDGET: z.coerce.number().positive().default(500),
  COST_ALLOCATION_TAG_KEY: z.string().min(1).default('cost-allocation'),
  /** Per-service growth thresholds, e.g. {"analytics-service":{"dayOverDay":1.0}}. */
  COST_ALERT_THRESHOLDS: jsonOf(thresholdsSchema).default({}),
  COST_ALERT_DAY_OVER_DAY: z.coerce.number().positive().default(DEFAULT_GROWTH_THRESHOLDS.dayOverDay),
  COST_ALERT_WEEK_OVER_WEEK: z.coerce.number().positive().default(DEFAULT_GROWTH_THRESHOLDS.weekOverWeek),
  COST_ALERT_MIN_DELTA: z.coerce.number().nonnegative().default(DEFAULT_GROWTH_THRESHOLDS.minDelta),
  COST_ALERT_LOOKBACK_DAYS: z.coerce.number().int().positive().default(30),
  /** Import the generated FOCUS dataset at start-up when the store is empty. */
  COST_EMBEDDED_DATASET: flag.default(true),
  /** Last day of the embedded dataset; today (UTC) when unset, so month-to-date always has data. */
  COST_DATASET_END_DATE: z.string().refine(isDay, 'expected YYYY-MM-DD').optional(),
  COST_DATASET_DAYS: z.coerce.number().int().min(90).max(730).default(120),
  /** Billing sources to poll: any of aws, azure, gcp (comma-separated). */
  COST_SOURCES: z
    .string()
    .default('')
    .transform(text => text.split(',').map(s => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['aws', 'azure', 'gcp']))),
  COST_POLL_INTERVAL_MINUTES: z.coerce.number().positive().default(360),
  COST_POLL_LOOKBACK_DAYS: z.coerce.number().int().positive().default(3),
  AWS_COST_ACCOUNT_ID: z.string().min(1).default('aws'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** e.g. subscriptions/<id> or providers/Microsoft.Billing/billingAccounts/<id>. */
  AZURE_COST_SCOPE: z.string().min(1).optional(),
  GCP_BILLING_PROJECT: z.string().min(1).optional(),
  GCP_BILLING_TABLE: z.string().min(1).optional(),
  // Every API call needs a token of the platform's signer. The kit's `jwtVerifierEnv` keys and defaults, written in
  // this package's zod 4 (the kit's schemas are zod 3 and cannot be spread into a zod 4 object).
  /** PEM public key of the token signer (`\n` escapes allowed); when unset, keys come from JWT_JWKS_URL. */
  JWT_PUBLIC_KEY: z
    .string()
    .min(1)
    .transform(value => value.replace(/\\n/g, '\n'))
    .optional(),
  JWT_JWKS_URL: z.string().url().default('http://127.0.0.1:3001/.well-known/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('user-service'),
  JWT_AUDIENCE: z.string().min(1).default('platform'),
  IMPORT_BODY_LIMIT: z.string().default('50mb'),
});

export function loadCostConfig(env: Record<string, string | undefined> = process.env) {
  const config = loadServiceConfig(costConfigSchema, { SERVICE_NAME: 'cost-monitoring-service', PORT: '3012', ...env });
  const missing = [
    config.COST_SOURCES.includes('azure') && !config.AZURE_COST_SCOPE && 'AZURE_COST_SCOPE',
    config.COST_SOURCES.includes('gcp') && !config.GCP_BILLING_PROJECT && 'GCP_BILLING_PROJECT',
    config.COST_SOURCES.includes('gcp') && !config.GCP_BILLING_TABLE && 'GCP_BILLING_TABLE',
  ].filter(Boolean);
  if (missing.length > 0) throw new Error(`cost-monitoring-service configuration: ${missing.join(', ')} required by COST_SOURCES`);
  return config;
}

export type CostConfig = ReturnType<typeof loadCostConfig>;
