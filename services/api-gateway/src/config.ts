import { z } from 'zod';
import { loadServiceConfig } from '@platform/service-kit';

export const gatewayConfigSchema = z.object({
  REDIS_URL: z.string().url(),
  /** the route table; defaults to routes.yaml beside this package */
  GATEWAY_ROUTES_FILE: z.string().min(1).optional(),
  /** storefront origins allowed to call the gateway from a browser, comma-separated */
  CORS_ORIGINS: z
    .string()
    .default('http://localhost:3000')
    .transform(s => s.split(',').map(o => o.trim()).filter(Boolean)),
  /** where access-token keys come from; defaults to the user service's /.well-known/jwks.json */
  JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().min(1).default('user-service'),
  JWT_AUDIENCE: z.string().min(1).default('platform'),
  /** Redis key prefix of the rate-limit counters (tests use their own) */
  RATE_LIMIT_PREFIX: z.string().regex(/^[\w:.-]+$/).default('gateway'),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  /** proxies in front of the gateway (the load balancer) whose X-Forwarded-For is trusted for the client IP */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  UPSTREAM_CONNECTIONS: z.coerce.number().int().positive().default(128),
});

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/** The gateway's settings; PORT defaults to 8080. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env) {
  return loadServiceConfig(gatewayConfigSchema, { PORT: '8080', ...env });
}
