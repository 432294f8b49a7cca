import { runService } from '@platform/service-kit';
import { createCartCheckoutService, loadCartCheckoutConfig } from './app';

export {
  createCartCheckoutService,
  loadCartCheckoutConfig,
  cartCheckoutConfigSchema,
} from './app';
export type { CartCheckoutConfig } from './app';
export type { Order, OrderEvent } from './orders/model';

async function main(): Promise<void> {
  const app = await createCartCheckoutService(loadCartCheckoutConfig());
  // runService stops gracefully on SIGTERM/SIGINT: HTTP drains first, then the workers' shutdown hooks run.
  await runService(app.service);
  app.startWorkers();
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
