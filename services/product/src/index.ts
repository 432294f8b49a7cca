import { runService } from '@platform/service-kit';
import { createProductService, loadProductConfig } from './app';

export {
  createProductService,
  loadProductConfig,
  productConfigSchema,
} from './app';
export type { ProductServiceConfig } from './app';
export type { Product } from './products/model';
export type { ProductChangeEvent } from './events/productEvents';

async function main(): Promise<void> {
  const app = await createProductService(loadProductConfig());
  // runService stops gracefully on SIGTERM/SIGINT: HTTP drains first, then the workers' shutdown hooks run.
  await runService(app.service);
  await app.startWorkers();
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
