import { Redis } from 'ioredis';
import { MlflowClient } from '@platform/model-registry';
import { createJwtVerifierFromEnv, createKafka, createService, requireAuth, type Service } from '@platform/service-kit';
import { AvailabilityMap } from './availability/AvailabilityMap';
import { StreamFollower } from './availability/StreamFollower';
import type { RecommendationConfig } from './config';
import { recommendationRoutes } from './http/routes';
import { recommendationMetrics, type RecommendationMetrics } from './metrics';
import { DotScorer } from './model/DotScorer';
import { type ModelRegistry, ModelStore } from './model/ModelStore';
import { Recommender } from './model/Recommender';
import { TrendingWindow } from './trending/TrendingWindow';

export interface RecommendationService {
  service: Service<RecommendationConfig>;
  store: ModelStore;
  availability: AvailabilityMap;
  trending: TrendingWindow;
  follower: StreamFollower;
  metrics: RecommendationMetrics;
  /** the model polling and the Kafka follower (HTTP answers /healthz meanwhile; /readyz once both are in place) */
  startWorkers(): Promise<void>;
  /** HTTP on PORT, then the workers */
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

export interface RecommendationServiceOptions {
  /** the model registry; defaults to an MlflowClient of MLFLOW_TRACKING_URI without its long retry (the poll retries) */
  registry?: ModelRegistry;
}

/** Builds the recommendation service (HTTP API, model store, Redis, the products/events follower) without starting it. */
export async function createRecommendationService(
  config: RecommendationConfig,
  options: RecommendationServiceOptions = {},
): Promise<RecommendationService> {
  const verifier = await createJwtVerifierFromEnv(config);
  const scorer = await DotScorer.create();
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    // Redis down: the read fails at once and the request falls back, instead of queueing
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.FEATURE_TIMEOUT_MS,
    enableAutoPipelining: true,
  });
  // ioredis reports a lost connection as an error event; the fallback counter and the reconnect handle it
  redis.on('error', () => undefined);
  const registry = options.registry ?? new MlflowClient(config.MLFLOW_TRACKING_URI.replace(/\/$/, ''), 0);
  const aliases = [...new Set([config.VARIANT_ALIASES.control, ...Object.values(config.VARIANT_ALIASES)])];
  const availability = new AvailabilityMap();
  const trending = new TrendingWindow(config.TRENDING_WINDOW_HOURS);
  let store: ModelStore | undefined;
  let follower: StreamFollower | undefined;
  let metrics: RecommendationMetrics | undefined;

  const service = createService({
    name: 'recommendation-service',
    version: '0.1.0',
    contract: 'recommendation-api',
    config,
    readiness: {
      model: async () => store!.checkReady(),
      availability: async () => follower!.checkCaughtUp(),
    },
    routes(router, { logger, metrics: serviceMetrics, onShutdown }) {
      metrics = recommendationMetrics(serviceMetrics.registry);
      store = new ModelStore({
        registry,
        modelName: config.MODEL_NAME,
        aliases,
        pollIntervalMs: config.MODEL_POLL_INTERVAL_MS,
        timeoutMs: config.MODEL_LOAD_TIMEOUT_MS,
        metrics,
        logger,
        onServe: model => scorer.prepare(model),
        onRetire: model => scorer.retire(model),
      });
      onShutdown(() => redis.quit().then(() => undefined, () => redis.disconnect()));
      onShutdown(() => store!.stop());
      follower = new StreamFollower({
        kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'recommendation-service', logger }),
        groupPrefix: config.RECOMMENDATION_CONSUMER_GROUP_PREFIX,
        productsTopic: config.PRODUCTS_TOPIC,
        eventsTopicPrefix: config.EVENTS_TOPIC_PREFIX,
        availability,
        trending,
        metrics,
        registry: serviceMetrics.registry,
        logger,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        onShutdown,
      });
      const recommender = new Recommender({
        store,
        scorer,
        variantAliases: config.VARIANT_ALIASES,
        redis,
        featureKeyPrefix: config.FEATURE_KEY_PREFIX,
        availability,
        trending,
        metrics,
        logger,
      });
      recommendationRoutes(router, {
        recommender,
        metrics,
        authenticate: requireAuth(verifier),
        store,
        variantAliases: config.VARIANT_ALIASES,
      });
    },
  });

  const startWorkers = async () => {
    await redis.connect().catch(error => service.logger.warn({ err: error }, 'Redis not reachable at start; requests fall back until it is'));
    store!.start();
    await follower!.start();
  };

  return {
    service,
    store: store!,
    availability,
    trending,
    follower: follower!,
    metrics: metrics!,
    startWorkers,
    async start() {
      const address = await service.start();
      await startWorkers();
      return address;
    },
    stop: () => service.stop(),
  };
}
