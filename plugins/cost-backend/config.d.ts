export interface Config {
  /** The portal's connection to the cost monitoring service (services/cost-monitoring). */
  costMonitoring?: {
    /**
     * Base URL of the cost monitoring service, e.g. http://localhost:3012. When absent the backend asks
     * the discovery service for the `cost-monitoring` plugin id (set `discovery.endpoints` for it).
     */
    baseUrl?: string;
    /**
     * How the portal signs its service tokens for the cost service (roles ["service"], 5 minutes), like every
     * platform service: the Ed25519 key (PKCS8 PEM; `\n` escapes allowed) whose public half the services trust.
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
     * A fixed bearer token instead of signed service tokens (used only when serviceToken.privateKey is unset).
     * @visibility secret
     */
    token?: string;
    /** How long cost reads are cached, in seconds (alerts are never cached). Default 60. */
    cacheTtlSeconds?: number;
    /** Timeout of one call to the cost service, in milliseconds. Default 5000. */
    timeoutMs?: number;
  };
}
