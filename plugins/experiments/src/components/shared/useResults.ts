import type { Experiment, ExperimentResults, ExperimentsApi } from '@internal/plugin-experiments-common';

export interface ExperimentSummary {
  experiment: Experiment;
  /** null: no results (yet); undefined: they could not be read (the error says why) */
  results: ExperimentResults | null | undefined;
  resultsError?: Error;
}

/** Each experiment with its results; drafts have none. One failing results read does not fail the list. */
export async function withResults(api: ExperimentsApi, experiments: Experiment[]): Promise<ExperimentSummary[]> {
  const settled = await Promise.allSettled(
    experiments.map(e => (e.status === 'draft' ? Promise.resolve(null) : api.getResults(e.key))),
  );
  return experiments.map((experiment, i) => {
    const outcome = settled[i];
    return outcome.status === 'fulfilled'
      ? { experiment, results: outcome.value }
      : { experiment, results: undefined, resultsError: outcome.reason as Error };
  });
}
