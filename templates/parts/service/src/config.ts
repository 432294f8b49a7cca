import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(${{ values.port }}),
  // loopback unless told otherwise: a developer machine exposes nothing; the chart and the image set 0.0.0.0
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  SERVICE_NAME: z.string().default('${{ values.name }}'),
{%- if 'postgresql' in values.stores %}
  DATABASE_URL: z.string().url(),
{%- endif %}
{%- if 'mongodb' in values.stores %}
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
{%- endif %}
{%- if 'redis' in values.stores %}
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
{%- endif %}
{%- if 'kafka' in values.stores %}
  KAFKA_BROKERS: z.string().regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...]'),
{%- endif %}
});

export type Config = z.infer<typeof schema>;

/** Validates the environment once at start-up, so a misconfigured pod fails fast instead of at first request. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
