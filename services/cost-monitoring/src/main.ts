import fs from 'node:fs';
import { infraEnvFile, loadInfraEnv } from '@platform/local-infra';
import { runService } from '@platform/service-kit';
import { createCostMonitoringService, loadCostConfig } from './index';

async function main(): Promise<void> {
  // On a developer machine the `yarn infra` settings apply; an explicit environment (production) wins.
  if (fs.existsSync(infraEnvFile())) loadInfraEnv();
  const app = await createCostMonitoringService(loadCostConfig());
  await app.importEmbedded();
  // runService stops gracefully on SIGTERM/SIGINT; the poller stops with the service's shutdown hooks.
  await runService(app.service);
  app.startPolling();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
