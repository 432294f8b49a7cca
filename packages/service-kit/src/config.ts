import { z } from 'zod';

/** Any zod schema (v3 or v4): the kit only needs safeParse. */
export interface EnvSchema<T> {
  safeParse(input: unknown):
    | { success: true; data: T }
    | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
}

const baseSchema = z.object({
  SERVICE_NAME: z.string().min(1).optional(),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(0),
  // loopback unless told otherwise: a developer machine exposes nothing; containers set HOST=0.0.0.0
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  BODY_LIMIT: z.string().default('256kb'),
});

export type BaseConfig = z.infer<typeof baseSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the base settings every service has plus the service's own schema from the environment,
 * and fails at start-up naming every bad key at once.
 */
export function loadServiceConfig<T extends object>(
  schema: EnvSchema<T>,
  env: Record<string, string | undefined> = process.env,
): BaseConfig & T {
  const problems: string[] = [];
  const describe = (issues: Array<{ path: PropertyKey[]; message: string }>) =>
    issues.forEach(i => problems.push(`${i.path.map(String).join('.') || '(root)'}: ${i.message}`));
  const base = baseSchema.safeParse(env);
  if (!base.success) describe(base.error.issues);
  const own = schema.safeParse(env);
  if (!own.success) describe(own.error.issues);
  if (!base.success || !own.success) throw new ConfigError(problems);
  return { ...base.data, ...own.data };
}
