export { createAnalyticsService, flinkJobSettings } from './app';
export type { AnalyticsService } from './app';
export { loadAnalyticsConfig, analyticsConfigSchema } from './config';
export type { AnalyticsConfig } from './config';
export { ANALYTICS_METRICS } from './metrics';
export { windowResultSchema } from './results/windowResult';
export type { WindowResult } from './results/windowResult';
