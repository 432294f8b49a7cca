export interface Config {
  /** The portal's model registry plugin (docs/model-registry-plugin.md). */
  modelRegistry?: {
    /**
     * Base URL of the MLflow tracking server with the model registry, e.g. http://localhost:5000 (the
     * MLFLOW_TRACKING_URI of the platform's services).
     */
    mlflowUrl: string;
    /**
     * The database of the registry's append-only history table (MODEL_REGISTRY_DATABASE_URL of the registry
     * library). When unset, the database `model_registry` on the server of `databaseUrl` (created on first use).
     * @visibility secret
     */
    historyDatabaseUrl?: string;
    /**
     * A PostgreSQL server URL (DATABASE_URL of the platform's services) on which the history database
     * `model_registry` lives when `historyDatabaseUrl` is unset.
     * @visibility secret
     */
    databaseUrl?: string;
    /** How long MLflow reads (models, versions, runs) are cached, in seconds; an action clears them. Default 10. */
    cacheTtlSeconds?: number;
    /**
     * How long one MLflow call retries a refused connection before the plugin answers 503, in milliseconds.
     * Default 1000.
     */
    mlflowRetryMs?: number;
  };
}
