import { z } from 'zod';
import { jwtVerifierEnv, loadServiceConfig } from '@platform/service-kit';

const topicName = z.string().regex(/^[A-Za-z0-9._-]+$/);
const alias = z.string().regex(/^[A-Za-z0-9_-]+$/);
const variant = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);

/** `control=champion,treatment=challenger` → { control: 'champion', treatment: 'challenger' }; `control` is required. */
export const variantAliases = z
  .string()
  .transform((value, ctx) => {
    const map: Record<string, string> = {};
    for (const pair of value.split(',').map(p => p.trim()).filter(Boolean)) {
      const [name, target, ...rest] = pair.split('=').map(s => s.trim());
      if (rest.length || !variant.safeParse(name).success || !alias.safeParse(target).success) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${pair}" is not <variant>=<alias>` });
        return z.NEVER;
      }
      map[name] = target;
    }
    if (!map.control) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'the variant map needs control=<alias>' });
      return z.NEVER;
    }
    return map;
  });

export const recommendationConfigSchema = z.object({
  /** the MLflow tracking server (REST API and artifact proxy) */
  MLFLOW_TRACKING_URI: z.string().url(),
  /** the registered model served */
  MODEL_NAME: z.string().min(1).default('recommendation-ranker'),
  /** which alias each experiment variant serves; an unknown or absent variant is `control` */
  VARIANT_ALIASES: variantAliases.default('control=champion,treatment=challenger'),
  /** how often the aliases are looked up in MLflow: an alias move is served at most this long (plus the download) later */
  MODEL_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  /** a registry lookup or artifact download taking longer counts as MLflow unreachable (the poll is retried) */
  MODEL_LOAD_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  REDIS_URL: z.string().min(1),
  /** the feature store's key prefix (docs/features.md): the embedding pointer is `<prefix>user:{id}` field `embedding` */
  FEATURE_KEY_PREFIX: z.string().min(1).default('feature:'),
  /** a feature read slower than this is abandoned and the request falls back (the model's own user index, popularity) */
  FEATURE_TIMEOUT_MS: z.coerce.number().int().positive().default(50),
  KAFKA_BROKERS: z.string().min(1),
  PRODUCTS_TOPIC: topicName.default('products'),
  /** interaction topics `<prefix>.click|view|cart|purchase`, counted for trending */
  EVENTS_TOPIC_PREFIX: topicName.default('events'),
  /** each replica reads the topics from the earliest offset in a group of its own: `<prefix>-<random>`, deleted at shutdown */
  RECOMMENDATION_CONSUMER_GROUP_PREFIX: z.string().min(1).default('recommendation-service'),
  /** the sliding window of GET /recommendations/trending */
  TRENDING_WINDOW_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
  ...jwtVerifierEnv,
});

export type RecommendationConfig = ReturnType<typeof loadRecommendationConfig>;

/** The service's settings; PORT defaults to 3003. */
export function loadRecommendationConfig(env: Record<string, string | undefined> = process.env) {
  return loadServiceConfig(recommendationConfigSchema, {
    SERVICE_NAME: 'recommendation-service',
    PORT: '3003',
    ...env,
  });
}
