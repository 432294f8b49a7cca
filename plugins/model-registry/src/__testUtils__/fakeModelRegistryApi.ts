import type {
  AliasHistoryEntry,
  AliasState,
  ModelDetail,
  ModelRegistryApi,
  ModelVersionDetail,
} from '@internal/plugin-model-registry-common';
import { ModelRegistryApiError } from '../api';

export const MODEL = 'recommendation-ranker';

export function version(n: number, recall: number, overrides: Partial<ModelVersionDetail> = {}): ModelVersionDetail {
  return {
    version: String(n),
    createdAt: `2026-11-2${n}T08:00:00.000Z`,
    status: 'READY',
    runId: `run${n}`.padEnd(32, '0'),
    source: `mlflow-artifacts:/1/run${n}/artifacts/model`,
    datasetSha256: `sha${n}`.padEnd(64, 'f'),
    recallAt20: recall,
    popularityRecallAt20: 0.11,
    aliases: [],
    tags: { model_recall_at_20: String(recall) },
    params: { factors: String(32 * n), epochs: '20' },
    metrics: { model_recall_at_20: recall, model_ndcg_at_10: recall / 2 },
    ...overrides,
  };
}

function entry(id: number, action: AliasHistoryEntry['action'], v: string, before: AliasState, after: AliasState, at: string, actor = 'trainer', reason = 'trained'): AliasHistoryEntry {
  return { id, action, version: v, before, after, actor, reason, evidence: {}, at };
}

const none: AliasState = { champion: null, challenger: null, 'previous-champion': null };

/** An in-memory ModelRegistryApi with one model (champion 2, challenger 3, previous-champion 1); records calls. */
export function createFakeModelRegistryApi(options: { failWith?: Error } = {}) {
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const state = {
    aliases: { champion: '2', challenger: '3', 'previous-champion': '1' } as AliasState,
    versions: [version(3, 0.27), version(2, 0.25), version(1, 0.2)],
    history: [
      entry(3, 'nominate', '3', { champion: '2', challenger: null, 'previous-champion': '1' }, { champion: '2', challenger: '3', 'previous-champion': '1' }, '2026-11-23T08:01:00.000Z'),
      entry(2, 'promote', '2', { champion: '1', challenger: null, 'previous-champion': null }, { champion: '2', challenger: null, 'previous-champion': '1' }, '2026-11-22T09:00:00.000Z', 'user:default/priya.natarajan', 'better recall'),
      entry(1, 'promote', '1', none, { ...none, champion: '1' }, '2026-11-21T09:00:00.000Z', 'trainer', 'first champion'),
    ],
    /** what promote answers instead of succeeding */
    promoteError: undefined as Error | undefined,
  };
  const fail = () => {
    if (options.failWith) throw options.failWith;
  };
  const detail = (): ModelDetail => ({
    name: MODEL,
    description: 'The recommender',
    aliases: { ...state.aliases },
    latestVersion: '3',
    lastTrainedAt: '2026-11-23T08:00:00.000Z',
    catalog: { entityRef: 'resource:default/recommendation-ranker', title: 'Model recommendation-ranker', owner: 'group:default/personalization-team' },
    versions: state.versions.map(v => ({
      ...v,
      aliases: (Object.keys(state.aliases) as Array<keyof AliasState>).filter(a => state.aliases[a] === v.version),
    })),
  });
  const record = (method: string, args: unknown[]) => calls.push({ method, args });
  const push = (action: AliasHistoryEntry['action'], v: string, after: AliasState, reason: string) => {
    const row = entry(state.history.length + 1, action, v, { ...state.aliases }, after, '2026-11-24T10:00:00.000Z', 'user:default/guest', reason);
    state.history.unshift(row);
    state.aliases = after;
    return row;
  };

  const api: ModelRegistryApi = {
    async listModels() {
      record('listModels', []);
      fail();
      const { versions: _versions, ...summary } = detail();
      return [
        summary,
        { name: 'search-ranker', description: null, aliases: { ...none }, latestVersion: '1', lastTrainedAt: '2026-10-01T00:00:00.000Z', catalog: null },
      ];
    },
    async getModel(name) {
      record('getModel', [name]);
      fail();
      if (name !== MODEL) throw new ModelRegistryApiError(404, `no registered model ${name} in MLflow`, 'MODEL_NOT_FOUND');
      return detail();
    },
    async getHistory(name, query) {
      record('getHistory', [name, query]);
      fail();
      return state.history.map(h => ({ ...h }));
    },
    async getChampionAt(name, at) {
      record('getChampionAt', [name, at]);
      const found = state.history.find(h => Date.parse(h.at) <= at.getTime());
      return { at: at.toISOString(), known: !!found, version: found?.after.champion ?? null, entry: found ?? null };
    },
    async promote(name, request) {
      record('promote', [name, request]);
      if (state.promoteError) throw state.promoteError;
      const row = push('promote', request.version, {
        champion: request.version,
        'previous-champion': state.aliases.champion,
        challenger: state.aliases.challenger === request.version ? null : state.aliases.challenger,
      }, request.reason);
      return { entry: row, overridden: false };
    },
    async rollback(name, request) {
      record('rollback', [name, request]);
      const row = push('rollback', state.aliases['previous-champion']!, { ...state.aliases, champion: state.aliases['previous-champion'], 'previous-champion': null }, request.reason);
      return { entry: row, overridden: false };
    },
  };
  return { api, calls, state };
}
