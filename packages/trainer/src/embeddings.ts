import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { createHttpClient, createJwtIssuer } from '@platform/service-kit';
import type { TrainerEnv } from './config';

/** The feature store's user ids are UUIDs (catalog-info/apis/feature-store-api.openapi.yaml). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EmbeddingPointers {
  /** written: POST /features/{userId} answered 200 */
  written: number;
  /** not UUIDs (e.g. synthetic demo users): the feature store would refuse them */
  skipped: number;
  failed: { userId: string; error: string }[];
}

/**
 * Writes every user's `embedding` pointer `{ model, version, row }` (row = the user's index in the version's
 * `user_index.json`) to the feature store, one `POST /features/{userId}` each (the API has no bulk write),
 * `concurrency` at a time, with a service token. A failed user is reported, not retried beyond the HTTP
 * client's own retries, and does not stop the others.
 */
export async function writeEmbeddingPointers(options: {
  featureStoreUrl: string;
  token: string;
  model: string;
  version: string;
  userIds: readonly string[];
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<EmbeddingPointers> {
  const http = createHttpClient({ name: 'feature-store', baseUrl: options.featureStoreUrl, timeoutMs: 5_000, retries: 2 });
  const headers = { authorization: `Bearer ${options.token}` };
  const rows = options.userIds.map((userId, row) => ({ userId, row })).filter(({ userId }) => UUID.test(userId));
  const result: EmbeddingPointers = { written: 0, skipped: options.userIds.length - rows.length, failed: [] };
  const limit = pLimit(options.concurrency);
  await Promise.all(
    rows.map(({ userId, row }) =>
      limit(async () => {
        try {
          await http.post(
            `/features/${encodeURIComponent(userId)}`,
            { embedding: { model: options.model, version: options.version, row } },
            // the same pointer written twice is the same state: safe to retry
            { headers, idempotencyKey: `embedding:${options.model}:${options.version}:${userId}` },
          );
          result.written++;
        } catch (error) {
          result.failed.push({ userId, error: error instanceof Error ? error.message : String(error) });
        }
        const done = result.written + result.failed.length;
        if (done % 1000 === 0) options.onProgress?.(done, rows.length);
      }),
    ),
  );
  return result;
}

/** A short-lived service token (role `service`) signed with SERVICE_JWT_PRIVATE_KEY, else the dev machine's key. */
export async function serviceToken(env: TrainerEnv, repoRoot: string): Promise<string> {
  const keyFile = join(repoRoot, '.state', 'keys', 'jwt-ed25519.pem');
  let privateKeyPem = env.SERVICE_JWT_PRIVATE_KEY;
  if (!privateKeyPem) {
    try {
      privateKeyPem = readFileSync(keyFile, 'utf8');
    } catch {
      throw new Error(`FEATURE_STORE_URL is set but SERVICE_JWT_PRIVATE_KEY is not (and ${keyFile} is missing)`);
    }
  }
  const issuer = await createJwtIssuer({ privateKeyPem, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, ttlSeconds: 3600 });
  return issuer.sign({ sub: 'trainer', roles: ['service'] });
}
