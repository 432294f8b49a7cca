import fs from 'node:fs';
import { infraEnvFile, loadInfraEnv } from '@platform/local-infra';
import { createCostMonitoringService, loadCostConfig } from './index';

async function main(): Promise<void> {
  // On a developer machine the `yarn infra` settings apply; an explicit environment (production) wins.
  if (fs.existsSync(infraEnvFile())) loadInfraEnv();
  const app = await createCostMonitoringService(loadCostConfig());
  await app.start();
  // Kubernetes and the start script stop services with SIGTERM (Ctrl-C: SIGINT): drain, then exit.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.stop().then(
        () => process.exit(0),
        error => {
          app.service.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
