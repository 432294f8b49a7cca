import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TrainerEnv } from '../config';
import { Interaction } from './interactions';
import { readInteractions } from './readInteractions';

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`${uri} is not an s3://<bucket>/<prefix> URI`);
  return { bucket: match[1], prefix: match[2] };
}

export function s3ClientOf(env: Pick<TrainerEnv, 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'>) {
  return new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
  });
}

/**
 * Copies every `*.parquet` object under an `s3://bucket/prefix` into `dir` (same relative keys), four at a
 * time, and returns their keys. DuckDB's httpfs extension is not used: it is a download of its own.
 */
export async function downloadParquetPrefix(s3: S3Client, uri: string, dir: string): Promise<string[]> {
  const { bucket, prefix } = parseS3Uri(uri);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key?.endsWith('.parquet')) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, keys.length) }, async () => {
      while (next < keys.length) {
        const key = keys[next++];
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const target = join(dir, key.slice(prefix.length).replace(/^\/+/, '') || 'part.parquet');
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, await object.Body!.transformToByteArray());
      }
    }),
  );
  return keys.sort();
}

/**
 * The interactions table from a local Parquet file or directory, or from the lake: `s3://<bucket>/features/interactions/`
 * (every `dt=<D>/` partition under it; docs/features.md), fetched with the AWS SDK into a temporary directory.
 */
export async function readInteractionsFrom(input: string, env: TrainerEnv): Promise<{ rows: Interaction[]; files?: number }> {
  if (!input.startsWith('s3://')) return { rows: await readInteractions(input) };
  const dir = await mkdtemp(join(tmpdir(), 'trainer-lake-'));
  const s3 = s3ClientOf(env);
  try {
    const keys = await downloadParquetPrefix(s3, input, dir);
    if (!keys.length) throw new Error(`no Parquet objects under ${input}`);
    return { rows: await readInteractions(dir), files: keys.length };
  } finally {
    s3.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
