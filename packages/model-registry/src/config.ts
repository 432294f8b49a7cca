import { z } from 'zod';
import type { Pool } from 'pg';
import { createPool, databaseUrl, ensureDatabase, loadServiceConfig } from '@platform/service-kit';
import { MlflowClient } from './MlflowClient';
import { ModelRegistry } from './registry';

export const modelRegistryConfigSchema = z
  .object({
    MLFLOW_TRACKING_URI: z.string().url().default('http://127.0.0.1:5000'),
    /** the database of the history table; when unset, the database `model_registry` on DATABASE_URL's server */
    MODEL_REGISTRY_DATABASE_URL: z.string().url().optional(),
    DATABASE_URL: z.string().url().optional(),
  })
  .refine(config => config.MODEL_REGISTRY_DATABASE_URL || config.DATABASE_URL, {
    message: 'set MODEL_REGISTRY_DATABASE_URL (or DATABASE_URL: the database model_registry on its server)',
    path: ['MODEL_REGISTRY_DATABASE_URL'],
  });

export type ModelRegistryConfig = z.infer<typeof modelRegistryConfigSchema>;

export function loadModelRegistryConfig(env: Record<string, string | undefined> = process.env) {
  return loadServiceConfig(modelRegistryConfigSchema, { SERVICE_NAME: 'model-registry', ...env });
}

export const DEFAULT_HISTORY_DATABASE = 'model_registry';

export interface OpenedRegistry {
  registry: ModelRegistry;
  mlflow: MlflowClient;
  pool: Pool;
  close(): Promise<void>;
}

/**
 * The registry of a configuration: its MLflow client, a pool on the history database (created on DATABASE_URL's
 * server when MODEL_REGISTRY_DATABASE_URL is unset) and the history table migrated.
 */
export async function openModelRegistry(config: ModelRegistryConfig = loadModelRegistryConfig()): Promise<OpenedRegistry> {
  let url = config.MODEL_REGISTRY_DATABASE_URL;
  if (!url) {
    await ensureDatabase(config.DATABASE_URL!, DEFAULT_HISTORY_DATABASE);
    url = databaseUrl(config.DATABASE_URL!, DEFAULT_HISTORY_DATABASE);
  }
  const pool = createPool(url, { max: 4 });
  const mlflow = new MlflowClient(config.MLFLOW_TRACKING_URI.replace(/\/$/, ''));
  const registry = new ModelRegistry(mlflow, pool);
  try {
    await registry.migrate();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { registry, mlflow, pool, close: () => pool.end() };
}
