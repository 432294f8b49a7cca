import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const access = z.enum(['public', 'protected']);
const window = z.object({ points: z.number().int().positive(), perSeconds: z.number().int().positive() }).strict();

const routeTableSchema = z
  .object({
    upstreams: z.record(
      z.string().regex(/^[a-z][a-z0-9-]*$/),
      z
        .object({
          urlEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
          defaultUrl: z.string().url(),
        })
        .strict(),
    ),
    rateLimitClasses: z.record(
      z.string().regex(/^[a-z][a-z0-9-]*$/),
      z
        .object({
          perUser: window,
          perIp: window,
          dailyQuota: z.object({ perUser: z.number().int().positive(), perIp: z.number().int().positive() }).strict(),
        })
        .strict(),
    ),
    routes: z
      .array(
        z
          .object({
            prefix: z.string().regex(/^(\/[a-z0-9][a-z0-9._-]*)+$/, 'a path like /products'),
            upstream: z.string(),
            auth: z
              .object({ default: access })
              .extend(Object.fromEntries(METHODS.map(m => [m, access.optional()])) as Record<(typeof METHODS)[number], z.ZodOptional<typeof access>>)
              .strict(),
            timeoutMs: z.number().int().min(10).max(120_000),
            rateLimit: z.string(),
            /** ask the A/B testing service for the caller's variant and forward it as X-Exp-Variant */
            experiment: z
              .object({
                key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
                upstream: z.string(),
                timeoutMs: z.number().int().min(10).max(5_000),
                fallbackVariant: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/).default('control'),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((table, ctx) => {
    const seen = new Set<string>();
    table.routes.forEach((route, i) => {
      if (!table.upstreams[route.upstream]) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'upstream'], message: `unknown upstream ${route.upstream}` });
      }
      if (route.experiment && !table.upstreams[route.experiment.upstream]) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'experiment', 'upstream'], message: `unknown upstream ${route.experiment.upstream}` });
      }
      if (!table.rateLimitClasses[route.rateLimit]) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'rateLimit'], message: `unknown rate-limit class ${route.rateLimit}` });
      }
      if (seen.has(route.prefix)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'prefix'], message: `duplicate prefix ${route.prefix}` });
      seen.add(route.prefix);
    });
  });

export type RouteTable = z.infer<typeof routeTableSchema>;
export type RateLimitClass = RouteTable['rateLimitClasses'][string];
export type Access = z.infer<typeof access>;

/** A route with its upstream's URL resolved from the environment. */
export interface Route {
  prefix: string;
  upstream: { name: string; url: string };
  timeoutMs: number;
  rateLimit: { name: string } & RateLimitClass;
  experiment?: { key: string; upstream: { name: string; url: string }; timeoutMs: number; fallbackVariant: string };
  access(method: string): Access;
}

export class RouteTableError extends Error {
  constructor(source: string, readonly problems: string[]) {
    super(`invalid route table ${source}: ${problems.join('; ')}`);
    this.name = 'RouteTableError';
  }
}

// The table ships beside the package and runs from source (tsx, Jest).
// eslint-disable-next-line no-restricted-syntax
export const DEFAULT_ROUTES_FILE = path.resolve(__dirname, '..', 'routes.yaml');

/** Parses and validates a route table, naming every problem at once. */
export function parseRouteTable(text: string, source = 'routes.yaml'): RouteTable {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new RouteTableError(source, [(e as Error).message]);
  }
  const result = routeTableSchema.safeParse(raw);
  if (!result.success) {
    throw new RouteTableError(
      source,
      result.error.issues.map(issue => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return result.data;
}

export function loadRouteTable(file: string = DEFAULT_ROUTES_FILE): RouteTable {
  return parseRouteTable(fs.readFileSync(file, 'utf8'), file);
}

/** Routes with upstream URLs from env (else the defaults), longest prefix first. */
export function resolveRoutes(table: RouteTable, env: Record<string, string | undefined>): Route[] {
  const upstreamOf = (name: string) => {
    const upstream = table.upstreams[name];
    const url = env[upstream.urlEnv] || upstream.defaultUrl;
    if (!z.string().url().safeParse(url).success) {
      throw new RouteTableError(upstream.urlEnv, [`${upstream.urlEnv} is not a URL: ${url}`]);
    }
    return { name, url: url.replace(/\/$/, '') };
  };
  return table.routes
    .map(route => {
      const auth = route.auth as Record<string, Access | undefined>;
      const { experiment } = route;
      return {
        prefix: route.prefix,
        upstream: upstreamOf(route.upstream),
        timeoutMs: route.timeoutMs,
        rateLimit: { name: route.rateLimit, ...table.rateLimitClasses[route.rateLimit] },
        experiment: experiment && { ...experiment, upstream: upstreamOf(experiment.upstream) },
        access: (method: string) => auth[method.toUpperCase()] ?? auth.default!,
      };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
}
