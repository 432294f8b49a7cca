import { Pool } from 'pg';
import { loadContract } from '@platform/catalog-validation';
import {
  Contract,
  createJwtVerifierFromEnv,
  createService,
  databaseUrl,
  ensureDatabase,
  migrate,
  requireAuth,
} from '@platform/service-kit';
import type { CostConfig } from './config';
import { CostMonitor } from './app/costMonitor';
import { EMBEDDED_SOURCE, importEmbeddedDataset } from './app/imports';
import { registerCostMetrics } from './app/metrics';
import { startPoller } from './app/poller';
import { todayUtc } from './domain/dates';
import { costRoutes } from './http/routes';
import { createPostgresOrderCounter } from './orders/orderCounter';
import { createAwsCostExplorerSource } from './sources/awsCostExplorer';
import { createAzureCostManagementSource } from './sources/azureCostManagement';
import { createGcpBigQueryBillingSource } from './sources/gcpBigQueryBilling';
import type { CostSource } from './sources/types';
import { CostStore } from './store/costStore';
import { MIGRATIONS } from './store/migrations';

function configuredSources(config: CostConfig): CostSource[] {
  const common = { allocationTagKey: config.COST_ALLOCATION_TAG_KEY, currency: config.COST_CURRENCY };
  return config.COST_SOURCES.map(name => {
    switch (name) {
      case 'aws':
        return createAwsCostExplorerSource({ ...common, accountId: config.AWS_COST_ACCOUNT_ID, region: config.AWS_REGION });
      case 'azure':
        return createAzureCostManagementSource({ ...common, scope: config.AZURE_COST_SCOPE! });
      case 'gcp':
        return createGcpBigQueryBillingSource({ ...common, projectId: config.GCP_BILLING_PROJECT!, table: config.GCP_BILLING_TABLE! });
      default:
        throw new Error(`unknown cost source ${name satisfies never}`);
    }
  });
}

/**
 * The cost-api contract as the kit validates it. The kit checks JSON bodies only, and POST /imports takes CSV
 * or Parquet: its route requires and checks that body itself, so the kit must not demand a JSON one.
 */
function costContract(): Contract {
  const document = loadContract('cost-api') as unknown as { paths: Record<string, any> };
  document.paths['/imports'].post.requestBody.required = false;
  return new Contract(document);
}

/** Builds the cost monitoring service (database, embedded data, HTTP API, metrics, polling) without starting it. */
export async function createCostMonitoringService(config: CostConfig) {
  await ensureDatabase(config.DATABASE_URL, config.COST_DATABASE);
  const pool = new Pool({ connectionString: databaseUrl(config.DATABASE_URL, config.COST_DATABASE), max: 10 });
  // an idle client losing its server must not crash the process; the next query reports the failure
  pool.on('error', () => undefined);
  await migrate(pool, MIGRATIONS);
  const store = new CostStore(pool);
  const orders = createPostgresOrderCounter(config.ORDERS_DATABASE_URL ?? databaseUrl(config.DATABASE_URL, 'orders'));
  const monitor = new CostMonitor(store, orders, {
    currency: config.COST_CURRENCY,
    monthlyBudget: config.COST_MONTHLY_BUDGET,
    allocationTagKey: config.COST_ALLOCATION_TAG_KEY,
    thresholds: config.COST_ALERT_THRESHOLDS,
    defaultThresholds: {
      dayOverDay: config.COST_ALERT_DAY_OVER_DAY,
      weekOverWeek: config.COST_ALERT_WEEK_OVER_WEEK,
      minDelta: config.COST_ALERT_MIN_DELTA,
    },
    alertLookbackDays: config.COST_ALERT_LOOKBACK_DAYS,
    maxPeriodDays: 367,
  });

  const verifier = await createJwtVerifierFromEnv(config);

  let onChange = () => undefined as void;
  const service = createService({
    name: 'cost-monitoring-service',
    version: '0.1.0',
    contract: costContract(),
    config,
    readiness: {
      postgres: async () => {
        await pool.query('SELECT 1');
      },
    },
    routes: router =>
      costRoutes(router, {
        monitor,
        requireReader: requireAuth(verifier),
        // the portal manages alerts with its service token, for the person it names
        requireAlertManager: requireAuth(verifier, { roles: ['admin', 'service'] }),
        requireAdmin: requireAuth(verifier, { roles: ['admin'] }),
        importBodyLimit: config.IMPORT_BODY_LIMIT,
        onChange: () => onChange(),
      }),
  });
  const metrics = registerCostMetrics(service.metrics.registry, monitor);
  onChange = () => metrics.invalidate();

  /** The embedded FOCUS dataset, when enabled and the store is empty; returns the import or null. */
  const importEmbedded = async () => {
    if (!config.COST_EMBEDDED_DATASET) return null;
    const started = Date.now();
    const record = await importEmbeddedDataset(store, {
      ...monitor.focusOptions,
      endDay: config.COST_DATASET_END_DATE ?? todayUtc(),
      days: config.COST_DATASET_DAYS,
    });
    if (record) {
      await monitor.evaluateAlerts();
      metrics.recordImport(EMBEDDED_SOURCE, 'succeeded', record.durationMs);
      service.logger.info(
        { importId: record.id, rows: record.rowsImported, periodStart: record.periodStart, periodEnd: record.periodEnd, totalMs: Date.now() - started },
        'imported the embedded FOCUS dataset',
      );
    }
    return record;
  };

  let poller: ReturnType<typeof startPoller> | undefined;
  service.onShutdown(async () => {
    await poller?.stop();
    await orders.close();
    await pool.end();
  });
  const startPolling = () => {
    poller ??= startPoller({
      store,
      sources: configuredSources(config),
      intervalMs: config.COST_POLL_INTERVAL_MINUTES * 60_000,
      lookbackDays: config.COST_POLL_LOOKBACK_DAYS,
      onOutcome: async outcome => {
        if (outcome.outcome !== 'imported') return;
        metrics.recordImport(outcome.source, 'succeeded', outcome.record.durationMs);
        await monitor.evaluateAlerts();
        metrics.invalidate();
        service.logger.info({ source: outcome.source, rows: outcome.record.rowsImported }, 'polled billing source');
      },
      onError: (source, error) => {
        metrics.recordImport(source, 'failed');
        service.logger.error({ err: error, source }, 'polling a billing source failed; nothing was stored');
      },
    });
  };

  return {
    service,
    pool,
    store,
    monitor,
    importEmbedded,
    /** Polls the configured billing sources until the service stops. */
    startPolling,
    /** Embedded data, HTTP, polling: what main does through runService, for tests and the bench. */
    async start() {
      await importEmbedded();
      const address = await service.start();
      startPolling();
      return address;
    },
    stop: () => service.stop(),
  };
}
