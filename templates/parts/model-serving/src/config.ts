import { z } from 'zod';

/** `models:/<name>@<alias>`, MLflow's URI of the version an alias points to. */
export const modelUri = z
  .string()
  .regex(/^models:\/[^/@]+@[A-Za-z0-9_-]+$/, 'must be models:/<name>@<alias>')
  .transform(uri => {
    const [name, alias] = uri.slice('models:/'.length).split('@');
    return { uri, name, alias };
  });

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(${{ values.port }}),
  // loopback unless told otherwise: a developer machine exposes nothing; the chart and the image set 0.0.0.0
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  SERVICE_NAME: z.string().default('${{ values.name }}'),
  /** the MLflow tracking server: its model registry (aliases) and artifact proxy */
  MLFLOW_TRACKING_URI: z.string().url().transform(url => url.replace(/\/$/, '')),
  /** the model served; the version behind the alias is followed, so moving the alias rolls the service */
  MODEL_URI: modelUri.default('models:/${{ values.modelName }}@${{ values.modelAlias }}'),
  /** how often the alias is looked up: a move is served at most this long (plus the download) later */
  MODEL_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /** a lookup or download slower than this counts as the registry being unreachable (retried at the next poll) */
  MODEL_LOAD_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
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
