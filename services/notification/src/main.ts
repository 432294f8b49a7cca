import { runService } from '@platform/service-kit';
import { createNotificationService } from './app';
import { loadNotificationConfig } from './config';

async function main(): Promise<void> {
  const notifications = await createNotificationService(
    loadNotificationConfig(),
  );
  // SIGTERM: HTTP drains, the consumer commits its batch, the delivery loops finish their pass, then PostgreSQL closes
  await runService(notifications.service);
  await notifications.startWorkers();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
