import { runService } from '@platform/service-kit';
import { createAbTestingService } from './app';
import { loadAbTestingConfig } from './config';

export { createAbTestingService, openAbTestingDatabase } from './app';
export type { AbTestingService } from './app';
export { abTestingConfigSchema, loadAbTestingConfig } from './config';
export type { AbTestingConfig } from './config';
export { assignVariant, bucketIndex, bucketRanges, fnv32a, hashV2, variantForBucket } from './assignment/hash';
export type { BucketRange, WeightedVariant } from './assignment/hash';
export { ExperimentStore, publicExperiment } from './experiments/ExperimentStore';
export type { ChangeOptions, StoredExperiment } from './experiments/ExperimentStore';
export { DecisionService } from './experiments/DecisionService';
export type { Decision, DecisionSource } from './experiments/DecisionService';
export type {
  Actor,
  AuditEntry,
  Experiment,
  ExperimentInput,
  ExperimentKind,
  ExperimentStatus,
  ModelAlias,
  Targeting,
  Variant,
} from './experiments/model';

async function main(): Promise<void> {
  const app = await createAbTestingService(loadAbTestingConfig());
  // SIGTERM: HTTP drains, the controller and the results ingestion stop, then the pool closes
  await runService(app.service);
  await app.startWorkers();
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
