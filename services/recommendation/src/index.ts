import { runService } from '@platform/service-kit';
import { createRecommendationService } from './app';
import { loadRecommendationConfig } from './config';

export { createRecommendationService } from './app';
export type { RecommendationService, RecommendationServiceOptions } from './app';
export { loadRecommendationConfig, recommendationConfigSchema } from './config';
export type { RecommendationConfig } from './config';
export { ARTIFACT_FILES, ARTIFACT_FORMAT, ModelLoadError, parseModel } from './model/artifact';
export type { LoadedModel, LoadFailureReason } from './model/artifact';
export { rankByCosine, rankByDot, rankByPopularity, TopK } from './model/scoring';
export { RECOMMENDATION_METRICS } from './metrics';

async function main(): Promise<void> {
  const app = await createRecommendationService(loadRecommendationConfig());
  // SIGTERM: HTTP drains, the follower leaves (and deletes) its group, the poll stops, then Redis closes
  await runService(app.service);
  await app.startWorkers();
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
