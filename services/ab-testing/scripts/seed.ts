/**
 * Demo data: the running model experiment `recommendation-ranking` (control → the champion of
 * `recommendation-ranker` 90%, treatment → its challenger 10%), owned by `group:personalization-team`.
 * Idempotent: creates it when missing and starts it when it is a draft; an experiment already running (perhaps
 * ramped since), stopped or concluded is left as it is. Writes through the service's domain (and so its audit log)
 * straight to its database, so no token is needed.
 *
 *   DATABASE_URL=postgres://... yarn workspace @platform/ab-testing-service seed    # AB_TESTING_DATABASE=ab_testing
 */
import { openAbTestingDatabase } from '../src/app';
import { abTestingConfigSchema } from '../src/config';
import { ExperimentStore } from '../src/experiments/ExperimentStore';
import type { ExperimentInput } from '../src/experiments/model';

export const RECOMMENDATION_RANKING: ExperimentInput = {
  key: 'recommendation-ranking',
  name: 'Recommendation ranking: challenger model',
  hypothesis:
    "The challenger version of recommendation-ranker raises the click-through rate of recommendations without lowering conversion.",
  owner: 'group:personalization-team',
  kind: 'model',
  model: 'recommendation-ranker',
  variants: [
    { name: 'control', weight: 90, modelAlias: 'champion' },
    { name: 'treatment', weight: 10, modelAlias: 'challenger' },
  ],
};

async function main() {
  const config = abTestingConfigSchema
    .pick({ DATABASE_URL: true, AB_TESTING_DATABASE: true, PG_POOL_MAX: true })
    .parse(process.env);
  const { pool } = await openAbTestingDatabase({ ...config, PG_POOL_MAX: 2 });
  const actor = { sub: 'demo-seed', roles: ['admin'] };
  try {
    const store = new ExperimentStore(pool);
    let experiment = await store.get(RECOMMENDATION_RANKING.key);
    if (!experiment) {
      try {
        experiment = await store.create(RECOMMENDATION_RANKING, { actor, reason: 'demo data' });
      } catch (error) {
        // a second seed run at the same moment loses the create (409) and goes on with the other's experiment
        experiment = await store.get(RECOMMENDATION_RANKING.key);
        if (!experiment) throw error;
      }
    }
    if (experiment.status === 'draft') experiment = await store.start(experiment.key, { actor, reason: 'demo data' });
    const weights = experiment.variants.map(v => `${v.name}=${v.modelAlias ?? '-'} ${v.weight}%`).join(', ');
    console.log(`ab-testing seed: ${experiment.key} is ${experiment.status} (${weights}), version ${experiment.version}`);
  } finally {
    await pool.end();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
