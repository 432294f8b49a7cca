import { z } from 'zod';
import { loadServiceConfig, pemFromEnv } from '@platform/service-kit';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('true')
  .transform(value => value === 'true' || value === '1');

/** The trainer's settings from the environment (the CLI's flags override the MLflow URI). */
export const trainerEnvSchema = z.object({
  MLFLOW_TRACKING_URI: z.string().url().optional(),
  /** the feature store's base URL; unset: the embedding pointers are not written */
  FEATURE_STORE_URL: z.string().url().optional(),
  /** signs the service token of the feature store writes; unset: `.state/keys/jwt-ed25519.pem` of a dev machine */
  SERVICE_JWT_PRIVATE_KEY: pemFromEnv.optional(),
  JWT_ISSUER: z.string().min(1).default('user-service'),
  JWT_AUDIENCE: z.string().min(1).default('platform'),
  EMBEDDING_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** the lake's S3 API (the data lake's settings, docs/data-lake.md), for `--input s3://...` */
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: flag,
});

export type TrainerEnv = z.infer<typeof trainerEnvSchema>;

export function loadTrainerEnv(env: Record<string, string | undefined> = process.env) {
  return loadServiceConfig(trainerEnvSchema, { SERVICE_NAME: 'trainer', ...env });
}
