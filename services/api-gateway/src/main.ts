import { runService } from '@platform/service-kit';
import { createGateway, loadGatewayConfig } from './index';

runService(createGateway(loadGatewayConfig())).catch(error => {
  console.error(error);
  process.exit(1);
});
