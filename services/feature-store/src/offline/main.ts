/**
 * The offline features job:
 *   yarn workspace @platform/feature-store-service offline [--from yyyy-mm-dd] [--to yyyy-mm-dd] [--out-dir dir]
 * Days default to yesterday (UTC). Reads S3_* and LAKE_S3_BUCKET from the environment.
 */
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { runOfflineFeatureJob } from './OfflineFeatureJob';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day yyyy-mm-dd');
const envSchema = z.object({
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).default('true'),
  LAKE_S3_BUCKET: z.string().min(3).default('data-lake'),
});

async function main() {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, 'out-dir': { type: 'string' } },
  });
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const from = day.parse(values.from ?? values.to ?? yesterday);
  const to = day.parse(values.to ?? from);
  const env = envSchema.parse(process.env);
  const s3 = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' || env.S3_FORCE_PATH_STYLE === '1',
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
  });
  try {
    const result = await runOfflineFeatureJob({ s3, bucket: env.LAKE_S3_BUCKET, from, to, outDir: values['out-dir'] });
    console.log(JSON.stringify({ bucket: env.LAKE_S3_BUCKET, outDir: values['out-dir'] ?? null, ...result }, null, 2));
  } finally {
    s3.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
