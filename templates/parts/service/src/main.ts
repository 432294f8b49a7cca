import pino from 'pino';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createMetrics } from './metrics.js';
import { connectStores } from './stores.js';

const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL, base: { service: config.SERVICE_NAME } });
const stores = connectStores(config, logger);
const server = createApp({ logger, metrics: createMetrics(), checks: stores.checks }).listen(config.PORT, config.HOST, () => {
  logger.info({ host: config.HOST, port: config.PORT }, 'listening');
});

// Kubernetes sends SIGTERM before removing the pod: finish in-flight requests, close the stores, then exit
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void stores.close().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
