export { createCostMonitoringService } from './app';
export { costConfigSchema, loadCostConfig } from './config';
export type { CostConfig } from './config';
