import { runService } from '@platform/service-kit';
import { createEventTrackingService } from './app';
import { loadEventTrackingConfig } from './config';

export { createEventTrackingService, eventTopics } from './app';
export type { EventTrackingService } from './app';
export { loadEventTrackingConfig, eventTrackingConfigSchema } from './config';
export type { EventTrackingConfig } from './config';
export type { TrackedEvent, DeadLetter, EventType } from './events/model';
export { EVENT_TYPES } from './events/model';
export { eventMetrics } from './events/eventMetrics';

async function main(): Promise<void> {
  const app = await createEventTrackingService(loadEventTrackingConfig());
  // runService stops gracefully on SIGTERM/SIGINT: HTTP drains first, then the producer disconnects
  await runService(app.service);
  await app.connectKafka();
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
