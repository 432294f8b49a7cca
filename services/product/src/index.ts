export {
  createProductService,
  loadProductConfig,
  productConfigSchema,
} from './app';
export type { ProductServiceConfig } from './app';
export type { Product } from './products/model';
export type { ProductChangeEvent } from './events/productEvents';

async function main(): Promise<void> {
  const { createProductService, loadProductConfig } = await import('./app');
  const app = await createProductService(loadProductConfig());
  const { url } = await app.start();
  app.service.logger.info({ url }, 'product-service listening');
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
