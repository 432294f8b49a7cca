import { runService } from '@platform/service-kit';
import { createUserService, loadUserConfig } from './index';

createUserService(loadUserConfig())
  .then(runService)
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
