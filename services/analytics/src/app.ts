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
  type Service,
} from '@platform/service-kit';
import type { AnalyticsConfig } from './config';
import { migrations } from './db/migrations';
import { FlinkJob } from './flink/FlinkJob';
import { analyticsRoutes } from './http/routes';
import { analyticsMetrics } from './metrics';
import { ResultProjector } from './results/ResultProjector';
import { ResultStore } from './results/ResultStore';

export interface AnalyticsService {
  service: Service<AnalyticsConfig>;
  store: ResultStore;
  /** the local Flink job (FLINK_LOCAL=true), else undefined */
  job: FlinkJob | undefined;
  projector: ResultProjector;
  /** creates missing topics, starts the local Flink job and the projection of its results */
  startWorkers(): Promise<void>;
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

/** The SQL's placeholders and the Flink options of the local job, from the service's config. */
export function flinkJobSettings(config: AnalyticsConfig) {
  return {
    sqlVariables: {
      KAFKA_BROKERS: config.KAFKA_BROKERS,
      ANALYTICS_EVENT_TOPICS: config.EVENT_TOPICS.split(',').map(t => t.trim()).join(';'),
      ANALYTICS_ORDERS_TOPIC: config.ORDERS_TOPIC,
      ANALYTICS_RESULTS_TOPIC: config.ANALYTICS_RESULTS_TOPIC,
      ANALYTICS_GROUP_ID: config.FLINK_GROUP_ID,
      ANALYTICS_TRANSACTIONAL_ID_PREFIX: config.FLINK_GROUP_ID,
      ANALYTICS_OFFSET_RESET: config.ANALYTICS_START_FROM,
      ANALYTICS_LATENESS_SECONDS: String(config.ANALYTICS_LATENESS_SECONDS),
      ANALYTICS_TOP_PRODUCTS: String(config.ANALYTICS_TOP_PRODUCTS),
    },
    flinkConfig: {
      'execution.checkpointing.interval': `${config.FLINK_CHECKPOINT_INTERVAL_MS}ms`,
      'execution.checkpointing.mode': 'EXACTLY_ONCE',
      'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
      'execution.checkpointing.num-retained': '2',
      'table.exec.source.idle-timeout': `${config.FLINK_SOURCE_IDLE_TIMEOUT_MS}ms`,
      'table.local-time-zone': 'UTC',
      'parallelism.default': '1',
      'pipeline.name': 'analytics',
      // the mini-cluster's REST endpoint on a free loopback port (never 8081, which may be someone else's)
      'rest.address': '127.0.0.1',
      'rest.bind-port': '0',
    },
  };
}

export async function createAnalyticsService(config: AnalyticsConfig): Promise<AnalyticsService> {
  await ensureDatabase(config.DATABASE_URL, config.ANALYTICS_DATABASE);
  let onIdleError: (error: Error) => void = () => undefined;
  const pool = createPool(databaseUrl(config.DATABASE_URL, config.ANALYTICS_DATABASE), {
    max: config.DB_POOL_MAX,
    onIdleError: error => onIdleError(error),
  });
  await migrate(pool, migrations);
  const store = new ResultStore(pool);
  const verifier = await createJwtVerifierFromEnv(config);

  let job: FlinkJob | undefined;
  let projector: ResultProjector | undefined;
  const service = createService({
    name: 'analytics-service',
    version: '0.1.0',
    contract: 'analytics-api',
    config,
    readiness: {
      postgres: async () => {
        await pool.query('SELECT 1');
      },
      kafka: async () => projector!.check(),
      ...(config.FLINK_LOCAL === 'true' ? { flink: async () => job!.check() } : {}),
    },
    routes(router, { logger, metrics, onShutdown }) {
      onShutdown(() => pool.end());
      analyticsMetrics(metrics.registry, store);
      const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'analytics-service', logger });
      projector = new ResultProjector({
        kafka,
        groupId: config.RESULTS_CONSUMER_GROUP,
        topic: config.ANALYTICS_RESULTS_TOPIC,
        store,
        registry: metrics.registry,
        logger,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        onShutdown,
      });
      if (config.FLINK_LOCAL === 'true') {
        job = new FlinkJob({
          launcherDir: config.FLINK_LAUNCHER_DIR,
          launcherSource: config.FLINK_LAUNCHER_SOURCE,
          sqlFile: config.FLINK_SQL_FILE,
          checkpointDir: config.FLINK_CHECKPOINT_DIR,
          heapMb: config.FLINK_JVM_HEAP_MB,
          logger,
          registry: metrics.registry,
          ...flinkJobSettings(config),
        });
        // registered last, so stopped first: the job stops writing before the projection and PostgreSQL close
        onShutdown(() => job!.stop());
      }
      analyticsRoutes(router, { store, requireStaff: requireAuth(verifier, { roles: ['admin', 'service'] }) });
    },
  });
  onIdleError = error => service.logger.warn({ err: error }, 'idle PostgreSQL connection lost');

  const admin = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'analytics-service-admin',
    logger: service.logger,
  });
  const startWorkers = async () => {
    // the job's sources and sink must exist before it starts (the producers create theirs too)
    await ensureTopics(admin, [
      ...config.EVENT_TOPICS.split(',').map(topic => ({ topic: topic.trim(), numPartitions: 6 })),
      { topic: config.ORDERS_TOPIC, numPartitions: 3 },
      { topic: config.ANALYTICS_RESULTS_TOPIC, numPartitions: 3 },
    ]);
    await projector!.start();
    await job?.start();
  };
  return {
    service,
    store,
    job,
    projector: projector!,
    startWorkers,
    async start() {
      const address = await service.start();
      await startWorkers();
      return address;
    },
    stop: () => service.stop(),
  };
}
