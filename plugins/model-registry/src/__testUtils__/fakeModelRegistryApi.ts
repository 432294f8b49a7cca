import type {
  AliasHistoryEntry,
  AliasState,
  GoldenSignals,
  ModelDetail,
  ModelRegistryApi,
  ModelVersionDetail,
  ServingStatus,
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
    /** the running service's GET /models: control on champion 2, treatment on challenger 3 */
    serving: {
      entityRef: 'component:default/recommendation-service',
      model: MODEL,
      variants: [
        { variant: 'control', alias: 'champion', version: '2', loadedAt: '2026-11-24T09:00:00.000Z', servedAlias: 'champion', servedVersion: '2' },
        { variant: 'treatment', alias: 'challenger', version: '3', loadedAt: '2026-11-24T09:05:00.000Z', servedAlias: 'challenger', servedVersion: '3' },
      ],
      registryUp: true,
      lastRegistryContactAt: '2026-11-24T10:00:00.000Z',
      fetchedAt: '2026-11-24T10:00:01.000Z',
    } as ServingStatus,
    servingError: undefined as Error | undefined,
    signals: {
      entityRef: 'component:default/recommendation-service',
      service: 'recommendation-service',
      window: '5m',
      at: '2026-11-24T10:00:00.000Z',
      scraped: true,
      requestRate: 12.5,
      p95Seconds: 0.0421,
      errorRatio: 0.004,
      variants: [
        { variant: 'control', requestRate: 11.2, p95Seconds: 0.012 },
        { variant: 'treatment', requestRate: 1.3, p95Seconds: 0.015 },
      ],
      queries: {},
    } as GoldenSignals,
    signalsError: undefined as Error | undefined,
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
    async getServingStatus(entityRef) {
      record('getServingStatus', [entityRef]);
      if (state.servingError) throw state.servingError;
      return { ...state.serving, entityRef };
    },
    async getGoldenSignals(entityRef) {
      record('getGoldenSignals', [entityRef]);
      if (state.signalsError) throw state.signalsError;
      return { ...state.signals, entityRef };
    },
  };
  return { api, calls, state };
}
