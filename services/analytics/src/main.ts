import { runService } from '@platform/service-kit';
import { createAnalyticsService } from './app';
import { loadAnalyticsConfig } from './config';

async function main(): Promise<void> {
  const analytics = await createAnalyticsService(loadAnalyticsConfig());
  // SIGTERM: HTTP drains, the Flink job is cancelled (its retained checkpoint stays), the projection commits, PostgreSQL closes
  await runService(analytics.service);
  await analytics.startWorkers();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
