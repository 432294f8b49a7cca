export interface Config {
  /** The portal's connection to the cost monitoring service (services/cost-monitoring). */
  costMonitoring?: {
    /**
     * Base URL of the cost monitoring service, e.g. http://localhost:3012. When absent the backend asks
     * the discovery service for the `cost-monitoring` plugin id (set `discovery.endpoints` for it).
     */
    baseUrl?: string;
    /**
     * Bearer token the portal presents to the cost service when that service verifies JWTs.
     * @visibility secret
     */
    token?: string;
    /** How long cost reads are cached, in seconds (alerts are never cached). Default 60. */
    cacheTtlSeconds?: number;
    /** Timeout of one call to the cost service, in milliseconds. Default 5000. */
    timeoutMs?: number;
  };
}
