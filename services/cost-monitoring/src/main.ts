import { createCostMonitoringService, loadCostConfig } from './index';

async function main(): Promise<void> {
  const app = await createCostMonitoringService(loadCostConfig());
  const { url } = await app.start();
  app.service.logger.info({ url }, 'cost-monitoring-service listening');
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
