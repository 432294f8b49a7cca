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
    /**
     * Base URL of the running recommendation service, whose `GET /models` says which version each experiment
     * variant serves (the service Model tab's "Serving now"). Default http://127.0.0.1:3003.
     */
    recommendationServiceUrl?: string;
    /**
     * The portal's service tokens for the recommendation service, signed like every platform service token: the
     * Ed25519 key (PKCS8 PEM; `\n` escapes allowed) whose public half the services trust.
     */
    serviceToken?: {
      /** @visibility secret */
      privateKey?: string;
      /** Default user-service. */
      issuer?: string;
      /** Default platform. */
      audience?: string;
    };
    /**
     * Prometheus's base URL (its HTTP API), for the live signals of the service Model tab, e.g.
     * http://127.0.0.1:9090. Unset: the Live signals card says it is not configured.
     */
    prometheusUrl?: string;
    /** The rate window of the live signals, a PromQL duration. Default 5m. */
    signalsWindow?: string;
    /** Timeout of one call to the recommendation service or Prometheus, in milliseconds. Default 3000. */
    liveTimeoutMs?: number;
  };
}
