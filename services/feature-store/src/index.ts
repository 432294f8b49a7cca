import { runService } from '@platform/service-kit';
import { createFeatureStoreService } from './app';
import { loadFeatureStoreConfig } from './config';

export { createFeatureStoreService } from './app';
export type { FeatureStoreService } from './app';
export { featureStoreConfigSchema, loadFeatureStoreConfig } from './config';
export type { FeatureStoreConfig } from './config';
export { FeatureStore, featuresOf, productCategoryKey, userKey } from './features/FeatureStore';
export { FEATURE_METRICS } from './features/metrics';
export { FREQUENCY_WINDOWS, INTERACTION_TYPES, INTERACTION_WEIGHTS } from './features/model';
export type { EmbeddingPointer, UserFeatures } from './features/model';

async function main(): Promise<void> {
  const app = await createFeatureStoreService(loadFeatureStoreConfig());
  // SIGTERM: HTTP drains, the consumer finishes and commits its batch, then Redis closes
  await runService(app.service);
  await app.startConsumer();
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
