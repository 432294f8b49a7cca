import type { Kafka } from 'kafkajs';
import { openModelRegistry, type OpenedRegistry } from '@platform/model-registry';
import {
  createJwtVerifierFromEnv,
  createKafka,
  createPool,
  createService,
  databaseUrl,
  ensureDatabase,
  ensureTopics,
  migrate,
  requireAuth,
  type BatchConsumer,
  type Service,
} from '@platform/service-kit';
import type { Pool } from 'pg';
import type { AbTestingConfig } from './config';
import { migrations } from './db/migrations';
import { DecisionService } from './experiments/DecisionService';
import { ExperimentStore } from './experiments/ExperimentStore';
import { abTestingRoutes } from './http/routes';
import { createResultsConsumer, ResultsIngestor } from './results/ingest';
import { ResultsService } from './results/ResultsService';
import { PostgresResultsSource, type ResultsSource } from './results/ResultsSource';
import { PrometheusGuardrailMetrics, type GuardrailMetrics } from './rollout/GuardrailMetrics';
import { RolloutController, type ChallengerDemoter } from './rollout/RolloutController';
import { RolloutStore } from './rollout/RolloutStore';

export interface AbTestingService {
  service: Service<AbTestingConfig>;
  pool: Pool;
  store: ExperimentStore;
  decisions: DecisionService;
  results: ResultsService;
  rollouts: RolloutStore;
  ingestor: ResultsIngestor;
  /** the results ingestion (when KAFKA_BROKERS is set) */
  consumer?: BatchConsumer;
  /** the rollout controller (when PROMETHEUS_URL and MLFLOW_TRACKING_URI are set and ROLLOUT_CONTROLLER is not false) */
  controller?: RolloutController;
  /** starts the results ingestion (creating missing event topics) and the rollout controller */
  startWorkers(): Promise<void>;
  /** starts HTTP, then the workers */
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

/** Opens the service's own database (created and migrated on first start). */
export async function openAbTestingDatabase(config: Pick<AbTestingConfig, 'DATABASE_URL' | 'AB_TESTING_DATABASE' | 'PG_POOL_MAX'>) {
  await ensureDatabase(config.DATABASE_URL, config.AB_TESTING_DATABASE);
  // an idle connection dropped by the server is replaced on next use; it is logged once the service's logger exists
  let onIdleError: (error: Error) => void = () => undefined;
  const pool = createPool(databaseUrl(config.DATABASE_URL, config.AB_TESTING_DATABASE), {
    max: config.PG_POOL_MAX,
    onIdleError: error => onIdleError(error),
  });
  await migrate(pool, migrations);
  return { pool, setIdleErrorHandler: (handler: (error: Error) => void) => (onIdleError = handler) };
}

/** What a test or another deployment can put in place of the real implementations. */
export interface AbTestingOverrides {
  resultsSource?: ResultsSource;
  guardrails?: GuardrailMetrics;
  registry?: ChallengerDemoter | null;
}

/** Builds the A/B testing service (HTTP API on PostgreSQL) without starting it. */
export async function createAbTestingService(config: AbTestingConfig, overrides: AbTestingOverrides = {}): Promise<AbTestingService> {
  const { pool, setIdleErrorHandler } = await openAbTestingDatabase(config);
  const verifier = await createJwtVerifierFromEnv(config);
  let decisions: DecisionService | undefined;
  const store = new ExperimentStore(pool, key => decisions?.invalidate(key));
  const rollouts = new RolloutStore(pool);
  const results = new ResultsService(store, overrides.resultsSource ?? new PostgresResultsSource(pool), experiment =>
    rollouts.latestEvaluation(experiment.id),
  );
  let ingestor: ResultsIngestor | undefined;
  let consumer: BatchConsumer | undefined;
  let kafka: Kafka | undefined;
  let controller: RolloutController | undefined;

  const wantsController =
    config.ROLLOUT_CONTROLLER && !!(overrides.guardrails ?? config.PROMETHEUS_URL) && (overrides.registry !== undefined || !!config.MLFLOW_TRACKING_URI);
  let opened: OpenedRegistry | undefined;
  if (wantsController && overrides.registry === undefined) {
    opened = await openModelRegistry({
      MLFLOW_TRACKING_URI: config.MLFLOW_TRACKING_URI!,
      MODEL_REGISTRY_DATABASE_URL: config.MODEL_REGISTRY_DATABASE_URL,
      DATABASE_URL: config.DATABASE_URL,
    });
  }

  const service = createService({
    name: 'ab-testing-service',
    version: '0.1.0',
    contract: 'ab-testing-api',
    config,
    readiness: {
      postgres: async () => {
        await pool.query('SELECT 1');
      },
    },
    routes(router, { metrics, onShutdown, logger }) {
      // hooks run in reverse: the controller and the consumer stop before the pools close
      onShutdown(() => pool.end());
      if (opened) onShutdown(() => opened!.close());
      ingestor = new ResultsIngestor(pool, metrics.registry);
      if (config.KAFKA_BROKERS) {
        kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'ab-testing-service', logger });
        consumer = createResultsConsumer({
          kafka,
          groupId: config.RESULTS_CONSUMER_GROUP,
          topics: config.RESULTS_TOPICS,
          ingestor,
          registry: metrics.registry,
          logger,
          onShutdown,
        });
      }
      if (wantsController) {
        const guardrails =
          overrides.guardrails ??
          new PrometheusGuardrailMetrics(config.PROMETHEUS_URL!, { window: config.GUARDRAIL_RATE_WINDOW, service: config.GUARDRAIL_SERVICE_LABEL });
        controller = new RolloutController({
          pool,
          store,
          rollouts,
          results,
          guardrails,
          registry: overrides.registry !== undefined ? overrides.registry : opened!.registry,
          logger: logger.child({ component: 'rollout-controller' }),
          registryMetrics: metrics.registry,
          intervalMs: config.ROLLOUT_INTERVAL_MS,
        });
        onShutdown(() => controller!.stop());
      }
      decisions = new DecisionService({
        pool,
        store,
        experimentTtlMs: config.EXPERIMENT_CACHE_TTL_MS,
        assignmentCacheSize: config.ASSIGNMENT_CACHE_SIZE,
        registry: metrics.registry,
      });
      abTestingRoutes(router, {
        store,
        decisions,
        results,
        rollouts,
        admin: requireAuth(verifier, { roles: ['admin'] }),
        operator: requireAuth(verifier, { roles: ['admin', 'service'] }),
        caller: requireAuth(verifier, { roles: ['admin', 'service', 'customer'] }),
      });
    },
  });
  setIdleErrorHandler(error => service.logger.warn({ err: error }, 'idle PostgreSQL connection lost'));

  const startWorkers = async () => {
    if (consumer && kafka) {
      // the event service creates these topics too; creating missing ones lets the ingestion start first
      await ensureTopics(kafka, config.RESULTS_TOPICS.map(topic => ({ topic, numPartitions: 6 })));
      await consumer.start();
    }
    controller?.start();
  };

  return {
    service,
    pool,
    store,
    decisions: decisions!,
    results,
    rollouts,
    ingestor: ingestor!,
    consumer,
    controller,
    startWorkers,
    async start() {
      const started = await service.start();
      await startWorkers();
      return started;
    },
    stop: () => service.stop(),
  };
}
