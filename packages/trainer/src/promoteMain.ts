import { parseArgs } from 'node:util';
import { openModelRegistry, RegistryPreconditionError } from '@platform/model-registry';
import { promoteIfBetter } from './promote';

const HELP = `yarn workspace @platform/trainer promote-if-better [--model recommendation-ranker] [--version <v>, default: the challenger]
  [--margin 0.02]
Promotes the challenger to champion when there is none yet, or when its test recall@20 beats the champion's by at
least the margin; otherwise leaves the aliases alone. MLFLOW_TRACKING_URI, MODEL_REGISTRY_DATABASE_URL or DATABASE_URL.`;

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'recommendation-ranker' },
      version: { type: 'string' },
      margin: { type: 'string', default: '0.02' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const opened = await openModelRegistry();
  try {
    const decision = await promoteIfBetter(opened.registry, opened.mlflow, {
      model: values.model!,
      version: values.version,
      margin: Number(values.margin),
    });
    console.log(`${decision.promoted ? 'promoted' : 'not promoted'}: ${decision.reason}`);
  } finally {
    await opened.close();
  }
}

main().catch(error => {
  if (error instanceof RegistryPreconditionError) {
    console.error(`${error.code}: ${error.message}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
