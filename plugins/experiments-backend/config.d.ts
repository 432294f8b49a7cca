export interface Config {
  /** The portal's experiments plugin (plugins/experiments-backend, docs/experiments-plugin.md). */
  experiments?: {
    /** Base URL of the A/B testing service (services/ab-testing). Default http://127.0.0.1:3011. */
    abTestingUrl?: string;
    /**
     * How the portal signs its service tokens for the A/B testing service (subject backstage-portal, roles
     * ["service"], 5 minutes), like every platform service: the Ed25519 key (PKCS8 PEM; `\n` escapes allowed)
     * whose public half the services trust.
     */
    serviceToken?: {
      /** @visibility secret */
      privateKey?: string;
      /** Default user-service. */
      issuer?: string;
      /** Default platform. */
      audience?: string;
    };
    /** How long reads (list, experiment, audit log, results) are cached, in seconds. Default 15; 0 turns it off. */
    cacheTtlSeconds?: number;
    /** Timeout of one call to the A/B testing service, in milliseconds. Default 5000. */
    timeoutMs?: number;
  };
}
