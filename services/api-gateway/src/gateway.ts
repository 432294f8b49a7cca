import cors from 'cors';
import { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { createJwtVerifier, createService, problems } from '@platform/service-kit';
import type { PlatformClaims, Request, Response, Service } from '@platform/service-kit';
import type { GatewayConfig } from './config';
import { createIdentify } from './http/identity';
import { createVariantResolver } from './http/experiments';
import { createProxy } from './http/proxy';
import { GatewayRateLimiter, LimitDecision } from './limits/rateLimiter';
import { loadRouteTable, resolveRoutes, Route, RouteTable } from './routeTable';

export interface GatewayOptions {
  /** defaults to GATEWAY_ROUTES_FILE or routes.yaml */
  routeTable?: RouteTable;
  /** where upstream URLs are read from (defaults to process.env) */
  env?: Record<string, string | undefined>;
}

/**
 * The API gateway: for each route of the table, CORS, caller identity (JWT via the user service's JWKS),
 * rate limit and daily quota in Redis, access check, then the request streamed to the upstream.
 */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Service<GatewayConfig> {
  const table = options.routeTable ?? loadRouteTable(config.GATEWAY_ROUTES_FILE);
  const routes = resolveRoutes(table, options.env ?? process.env);
  const userService = routes.find(r => r.upstream.name === 'user-service')?.upstream.url;
  const jwksUrl = config.JWKS_URL ?? (userService && `${userService}/.well-known/jwks.json`);
  if (!jwksUrl) throw new Error('JWKS_URL is required when the route table has no user-service upstream');

  // auto-pipelining sends the limiter calls of concurrent requests in one write: a large share of the gateway's CPU
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
  });
  const proxy = createProxy({ maxBodyBytes: config.MAX_BODY_BYTES, connections: config.UPSTREAM_CONNECTIONS });
  const verifier = createJwtVerifier({ jwksUrl, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  const identify = createIdentify(
    {
      verify: async token => (await verifier).verify(token),
    },
    jwksUrl,
  );

  const service = createService({
    name: 'api-gateway',
    contract: 'api-gateway-api',
    config,
    parseJsonBodies: false,
    readiness: { redis: () => redis.ping() },
    routes(router, { logger, metrics, onShutdown }) {
      const limited = new Counter({
        name: 'gateway_rate_limited_total',
        help: 'Requests refused with 429, by rate-limit class, reason (rate or quota) and scope (user or ip).',
        labelNames: ['class', 'reason', 'scope'],
        registers: [metrics.registry],
      });
      const storeErrors = new Counter({
        name: 'gateway_rate_limit_store_errors_total',
        help: 'Rate-limit checks that could not reach Redis and used the per-process limits instead.',
        registers: [metrics.registry],
      });
      const experimentFallbacks = new Counter({
        name: 'gateway_experiment_fallbacks_total',
        help: 'Requests forwarded with the fallback variant because the A/B testing service gave no decision.',
        labelNames: ['experiment'],
        registers: [metrics.registry],
      });
      const resolveVariant = createVariantResolver((experiment, reason) => {
        experimentFallbacks.inc({ experiment: experiment.key });
        logger.debug({ experiment: experiment.key, reason }, 'experiment variant fell back');
      });
      const limiter = new GatewayRateLimiter(redis, config.RATE_LIMIT_PREFIX, table.rateLimitClasses, error => {
        storeErrors.inc();
        logger.warn({ err: error }, 'rate-limit store unavailable; counting in this process');
      });
      redis.on('error', error => logger.warn({ err: error }, 'redis connection error'));
      redis.connect().catch(error => logger.error({ err: error }, 'redis unreachable at start; readiness reports it'));
      onShutdown(async () => {
        await proxy.close();
        redis.disconnect();
      });

      router.use(
        cors({
          origin: config.CORS_ORIGINS,
          credentials: true,
          maxAge: 600,
          exposedHeaders: ['Retry-After', 'X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Location'],
        }),
      );

      const handle = (route: Route) => async (req: Request, res: Response) => {
        let claims: PlatformClaims | undefined;
        let tokenProblem: unknown;
        try {
          claims = await identify(req);
        } catch (e) {
          tokenProblem = e;
        }
        // a bad token is counted against the IP, so guessing tokens is rate limited too
        const decision = await limiter.check(route.rateLimit.name, { userId: claims?.sub, ip: req.ip ?? 'unknown' });
        if (!decision.allowed) {
          limited.inc({ class: route.rateLimit.name, reason: decision.reason, scope: decision.scope });
          throw problems.tooManyRequests(describeRefusal(route, decision), decision.retryAfterSeconds);
        }
        res.setHeader('RateLimit-Limit', String(decision.limit));
        res.setHeader('RateLimit-Remaining', String(decision.remaining));
        res.setHeader('RateLimit-Reset', String(decision.resetSeconds));
        if (tokenProblem) throw tokenProblem;
        if (!claims && route.access(req.method) === 'protected') {
          throw problems.unauthorized(`${req.method} ${route.prefix} needs a bearer access token.`);
        }
        const extraHeaders: Record<string, string> = {};
        if (route.experiment) extraHeaders['x-exp-variant'] = (await resolveVariant(route.experiment, req, claims)).variant;
        await proxy.forward(req, res, { name: route.upstream.name, url: route.upstream.url, timeoutMs: route.timeoutMs }, extraHeaders);
      };
      for (const route of routes) router.all(`${route.prefix}{/*rest}`, handle(route));
    },
  });
  // the kit trusts any X-Forwarded-For; at the edge only the load balancer's may be believed, or anyone picks their IP
  service.app.set('trust proxy', config.TRUST_PROXY_HOPS > 0 ? config.TRUST_PROXY_HOPS : false);
  return service;
}

function describeRefusal(route: Route, decision: Extract<LimitDecision, { allowed: false }>): string {
  const who = decision.scope === 'user' ? 'This user' : 'This address';
  if (decision.reason === 'quota') return `${who} used its daily quota of ${decision.limit} requests to ${route.prefix}.`;
  const window = decision.scope === 'user' ? route.rateLimit.perUser : route.rateLimit.perIp;
  return `${who} sent more than ${window.points} requests in ${window.perSeconds} s to ${route.prefix}.`;
}
