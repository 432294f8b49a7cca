import { z } from 'zod';
import { jwtVerifierEnv, loadServiceConfig } from '@platform/service-kit';

export const abTestingConfigSchema = z.object({
  /** the PostgreSQL server; the service keeps its tables in its own database AB_TESTING_DATABASE on it */
  DATABASE_URL: z.string().min(1),
  AB_TESTING_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('ab_testing'),
  PG_POOL_MAX: z.coerce.number().int().positive().default(10),
  /**
   * How long a replica answers decisions from its cached copy of an experiment. A change made through this
   * replica applies at once; one made through another replica within this many milliseconds.
   */
  EXPERIMENT_CACHE_TTL_MS: z.coerce.number().int().min(0).default(2_000),
  /** assignments kept in memory (LRU) per replica, so a returning user costs no database round trip */
  ASSIGNMENT_CACHE_SIZE: z.coerce.number().int().min(0).default(100_000),
  /** Kafka brokers; the results ingestion runs when set (the four interaction topics, from the beginning) */
  KAFKA_BROKERS: z.string().min(1).optional(),
  /** the topics the results ingestion reads, comma separated */
  RESULTS_TOPICS: z
    .string()
    .default('events.view,events.click,events.cart,events.purchase')
    .transform(value => value.split(',').map(topic => topic.trim()).filter(Boolean)),
  RESULTS_CONSUMER_GROUP: z.string().min(1).default('ab-testing-results'),
  /** Prometheus (HTTP API); with MLFLOW_TRACKING_URI it turns the rollout controller on */
  PROMETHEUS_URL: z.string().url().optional(),
  /** the MLflow tracking server of the model registry (the controller demotes challengers through it) */
  MLFLOW_TRACKING_URI: z.string().url().optional(),
  /** the model registry's history database; default: the database model_registry on DATABASE_URL's server */
  MODEL_REGISTRY_DATABASE_URL: z.string().url().optional(),
  /** `false` keeps the controller off even when Prometheus and MLflow are configured */
  ROLLOUT_CONTROLLER: z.enum(['true', 'false']).default('true').transform(value => value === 'true'),
  /** how often the controller looks at every running model experiment */
  ROLLOUT_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
  /** the range of the guardrail queries' rate() (PromQL duration) */
  GUARDRAIL_RATE_WINDOW: z
    .string()
    .regex(/^\d+[smh]$/)
    .default('5m'),
  /** the service label of the recommendation service's metrics in Prometheus (scrape config) */
  GUARDRAIL_SERVICE_LABEL: z.string().min(1).default('recommendation-service'),
  ...jwtVerifierEnv,
});

export type AbTestingConfig = ReturnType<typeof loadAbTestingConfig>;

/** The service's settings; PORT defaults to 3011. */
export function loadAbTestingConfig(env: Record<string, string | undefined> = process.env) {
  return loadServiceConfig(abTestingConfigSchema, {
    SERVICE_NAME: 'ab-testing-service',
    PORT: '3011',
    ...env,
  });
}
