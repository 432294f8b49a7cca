import { DEFAULT_HISTORY_DATABASE, MlflowClient, ModelRegistry } from '@platform/model-registry';
import { createPool, databaseUrl, ensureDatabase } from '@platform/service-kit';
import type { Pool } from 'pg';
import { RegistryUnavailableError, causeOf } from './errors';

/**
 * The registry operations on the history database, opened on first use (pool, database created when only the
 * server is configured, the history table migrated) rather than at startup: the portal starts even when
 * PostgreSQL does not answer yet, and a failed opening is retried by the next request.
 */
export class HistoryDatabase {
  private opening?: Promise<{ registry: ModelRegistry; pool: Pool }>;

  constructor(
    private readonly options: { mlflow: MlflowClient; historyDatabaseUrl?: string; databaseUrl?: string },
  ) {}

  async registry(): Promise<ModelRegistry> {
    this.opening ??= this.open().catch(error => {
      this.opening = undefined;
      throw new RegistryUnavailableError('history-database', `the model registry history database is unavailable: ${causeOf(error)}`);
    });
    return (await this.opening).registry;
  }

  async close(): Promise<void> {
    const opened = await this.opening?.catch(() => undefined);
    this.opening = undefined;
    await opened?.pool.end();
  }

  private async open(): Promise<{ registry: ModelRegistry; pool: Pool }> {
    let url = this.options.historyDatabaseUrl;
    if (!url) {
      await ensureDatabase(this.options.databaseUrl!, DEFAULT_HISTORY_DATABASE);
      url = databaseUrl(this.options.databaseUrl!, DEFAULT_HISTORY_DATABASE);
    }
    const pool = createPool(url, { max: 4, connectionTimeoutMillis: 5_000 });
    const registry = new ModelRegistry(this.options.mlflow, pool);
    try {
      await registry.migrate();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return { registry, pool };
  }
}
