export {
  createCartCheckoutService,
  loadCartCheckoutConfig,
  cartCheckoutConfigSchema,
} from './app';
export type { CartCheckoutConfig } from './app';
export type { Order, OrderEvent } from './orders/model';

async function main(): Promise<void> {
  const { createCartCheckoutService, loadCartCheckoutConfig } = await import(
    './app'
  );
  const app = await createCartCheckoutService(loadCartCheckoutConfig());
  const { url } = await app.start();
  app.service.logger.info({ url }, 'cart-checkout-service listening');
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
