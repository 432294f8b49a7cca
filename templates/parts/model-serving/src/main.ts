import pino from 'pino';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createMetrics } from './metrics.js';
import { MlflowRegistry } from './mlflow.js';
import { ModelStore } from './modelStore.js';

const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL, base: { service: config.SERVICE_NAME } });
const metrics = createMetrics();
const store = new ModelStore({
  registry: new MlflowRegistry(config.MLFLOW_TRACKING_URI, config.MODEL_LOAD_TIMEOUT_MS),
  modelName: config.MODEL_URI.name,
  alias: config.MODEL_URI.alias,
  pollIntervalMs: config.MODEL_POLL_INTERVAL_MS,
  metrics,
  logger,
});
// /healthz answers at once; /readyz and /v1/predict wait for the first loaded version
const server = createApp({ logger, metrics, store }).listen(config.PORT, config.HOST, () => {
  logger.info({ host: config.HOST, port: config.PORT, model: config.MODEL_URI.uri }, 'listening');
});
store.start();

// Kubernetes sends SIGTERM before removing the pod: finish in-flight requests, stop polling, then exit
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void store.stop().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
