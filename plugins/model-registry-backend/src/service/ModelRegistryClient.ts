import type {
  AliasHistoryEntry,
  AliasState,
  ChampionAtTime,
  ModelAlias,
  ModelDetail,
  ModelSummary,
  ModelVersionDetail,
} from '@internal/plugin-model-registry-common';
import { PROMOTION_METRIC } from '@internal/plugin-model-registry-common';
import {
  ALIASES,
  HistoryEntry,
  MlflowClient,
  MlflowError,
  MlflowRun,
  RegistryPreconditionError,
  type ModelVersion,
} from '@platform/model-registry';
import { ModelNotFoundError, RegistryUnavailableError, causeOf, isConnectionFailure, isFetchFailure } from './errors';
import type { HistoryDatabase } from './HistoryDatabase';

/** What MLflow knows of a model, without the catalog (the router adds the catalog entity). */
export type RegistryModelSummary = Omit<ModelSummary, 'catalog'>;
export type RegistryModelDetail = Omit<ModelDetail, 'catalog'>;

export interface PromoteInput {
  model: string;
  version: string;
  actor: string;
  reason: string;
  evidence: Record<string, unknown>;
  /** the champion the decision was taken on: the promotion fails with CHAMPION_CHANGED if it moved meanwhile */
  ifChampion: string | null;
}

export interface RollbackInput {
  model: string;
  actor: string;
  reason: string;
  evidence: Record<string, unknown>;
}

/**
 * The model registry as the portal sees it: MLflow's registered models, versions and runs, the registry's alias
 * history, and the two operator actions. Aliases move only through `@platform/model-registry`'s operations.
 */
export interface ModelRegistryClient {
  listModels(): Promise<RegistryModelSummary[]>;
  /** `fresh` skips any cache (a promotion decides on what MLflow says now) */
  getModel(name: string, options?: { fresh?: boolean }): Promise<RegistryModelDetail>;
  getHistory(name: string, limit: number): Promise<AliasHistoryEntry[]>;
  championAt(name: string, at: Date): Promise<ChampionAtTime>;
  promote(input: PromoteInput): Promise<AliasHistoryEntry>;
  rollback(input: RollbackInput): Promise<AliasHistoryEntry>;
}

/** What `registered-models/search` returns per model (MlflowClient has no search of registered models). */
interface SearchedModel {
  name: string;
  description?: string;
  aliases?: { alias: string; version: string }[];
  latest_versions?: { version: string; creation_timestamp?: number | string }[];
}

/** The fields of a model version MLflow returns beyond MlflowClient's `ModelVersion` type. */
type FullModelVersion = ModelVersion & { creation_timestamp?: number | string; status?: string };

const RUN_CONCURRENCY = 8;

const iso = (millis: number | string | undefined): string | null => {
  const value = Number(millis);
  return millis === undefined || !Number.isFinite(value) ? null : new Date(value).toISOString();
};

const numberOrNull = (value: string | number | undefined): number | null => {
  if (value === undefined || value === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
};

function aliasState(aliases: { alias: string; version: string }[] | undefined): AliasState {
  const state: AliasState = { champion: null, challenger: null, 'previous-champion': null };
  for (const { alias, version } of aliases ?? [])
    if ((ALIASES as readonly string[]).includes(alias)) state[alias as ModelAlias] = version;
  return state;
}

export function toHistoryEntry(entry: HistoryEntry): AliasHistoryEntry {
  return {
    id: entry.id,
    action: entry.action,
    version: entry.version,
    before: entry.before,
    after: entry.after,
    actor: entry.actor,
    reason: entry.reason,
    evidence: entry.evidence,
    at: entry.at.toISOString(),
  };
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * The MLflow implementation: reads through the platform's `MlflowClient` (plus `registered-models/search`, which
 * that client lacks, implemented here), the history and the actions through `ModelRegistry`.
 */
export class MlflowModelRegistryClient implements ModelRegistryClient {
  constructor(
    private readonly options: {
      mlflow: MlflowClient;
      mlflowUrl: string;
      history: HistoryDatabase;
      /** the timeout of the one call this module makes itself (the search) */
      timeoutMs?: number;
    },
  ) {}

  async listModels(): Promise<RegistryModelSummary[]> {
    const models = await this.mlflowRead(() => this.searchRegisteredModels());
    return models
      .map(model => {
        const latest = [...(model.latest_versions ?? [])].sort((a, b) => Number(b.version) - Number(a.version))[0];
        return {
          name: model.name,
          description: model.description || null,
          aliases: aliasState(model.aliases),
          latestVersion: latest?.version ?? null,
          lastTrainedAt: iso(latest?.creation_timestamp),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async getModel(name: string): Promise<RegistryModelDetail> {
    const { mlflow } = this.options;
    const registered = await this.mlflowRead(() => mlflow.getRegisteredModel(name), name);
    const aliases = aliasState(registered.aliases);
    let versions = (await this.mlflowRead(() => mlflow.searchModelVersions(name), name)) as FullModelVersion[];
    // Some MLflow stores leave tags out of search results: then each version is read on its own.
    if (versions.length > 0 && versions.every(v => v.tags === undefined))
      versions = await mapLimited(versions, RUN_CONCURRENCY, v =>
        this.mlflowRead(() => mlflow.getModelVersion(name, v.version) as Promise<FullModelVersion>, name),
      );
    versions.sort((a, b) => Number(b.version) - Number(a.version));
    const runs = await mapLimited(versions, RUN_CONCURRENCY, version => this.run(version.run_id));
    const details: ModelVersionDetail[] = versions.map((version, index) => {
      const tags = Object.fromEntries((version.tags ?? []).map(t => [t.key, t.value]));
      const run = runs[index];
      const params = Object.fromEntries((run?.data.params ?? []).map(p => [p.key, p.value]));
      const metrics = Object.fromEntries((run?.data.metrics ?? []).map(m => [m.key, Number(m.value)]));
      return {
        version: version.version,
        createdAt: iso(version.creation_timestamp),
        status: version.status ?? null,
        runId: version.run_id || null,
        source: version.source || null,
        datasetSha256: tags.dataset_sha256 ?? run?.data.tags?.find(t => t.key === 'dataset_sha256')?.value ?? null,
        recallAt20: numberOrNull(tags[PROMOTION_METRIC]) ?? numberOrNull(metrics[PROMOTION_METRIC]),
        popularityRecallAt20: numberOrNull(tags.popularity_recall_at_20) ?? numberOrNull(metrics.popularity_recall_at_20),
        aliases: (Object.keys(aliases) as ModelAlias[]).filter(alias => aliases[alias] === version.version),
        tags,
        params,
        metrics,
      };
    });
    return {
      name: registered.name,
      description: registered.description || null,
      aliases,
      latestVersion: details[0]?.version ?? null,
      lastTrainedAt: details[0]?.createdAt ?? null,
      versions: details,
    };
  }

  async getHistory(name: string, limit: number): Promise<AliasHistoryEntry[]> {
    const registry = await this.options.history.registry();
    const entries = await this.historyRead(() => registry.history.list(name, { limit }));
    return entries.map(toHistoryEntry);
  }

  async championAt(name: string, at: Date): Promise<ChampionAtTime> {
    const registry = await this.options.history.registry();
    const found = await this.historyRead(() => registry.championAt(name, at));
    return {
      at: at.toISOString(),
      known: found !== undefined,
      version: found?.version ?? null,
      entry: found ? toHistoryEntry(found.entry) : null,
    };
  }

  async promote(input: PromoteInput): Promise<AliasHistoryEntry> {
    const registry = await this.options.history.registry();
    return this.operation(input.model, () =>
      registry.promote({
        model: input.model,
        version: input.version,
        actor: input.actor,
        reason: input.reason,
        evidence: input.evidence,
        ifChampion: input.ifChampion,
      }),
    );
  }

  async rollback(input: RollbackInput): Promise<AliasHistoryEntry> {
    const registry = await this.options.history.registry();
    return this.operation(input.model, () =>
      registry.rollback({ model: input.model, actor: input.actor, reason: input.reason, evidence: input.evidence }),
    );
  }

  private async operation(model: string, run: () => Promise<HistoryEntry>): Promise<AliasHistoryEntry> {
    try {
      return toHistoryEntry(await run());
    } catch (error) {
      if (error instanceof RegistryPreconditionError) {
        if (error.code === 'MODEL_NOT_FOUND') throw new ModelNotFoundError(model);
        throw error;
      }
      throw this.unavailable(error);
    }
  }

  /** A run's params and metrics; undefined when the version has no run or the run is gone. */
  private async run(runId: string | undefined): Promise<MlflowRun | undefined> {
    if (!runId) return undefined;
    try {
      return await this.options.mlflow.getRun(runId);
    } catch (error) {
      if (error instanceof MlflowError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw this.unavailable(error);
    }
  }

  private async searchRegisteredModels(): Promise<SearchedModel[]> {
    const models: SearchedModel[] = [];
    let pageToken: string | undefined;
    do {
      const url = new URL(`${this.options.mlflowUrl}/api/2.0/mlflow/registered-models/search`);
      url.searchParams.set('max_results', '1000');
      if (pageToken) url.searchParams.set('page_token', pageToken);
      const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
      const text = await response.text();
      if (!response.ok) throw new MlflowError(`GET ${url}: ${response.status} ${text.slice(0, 300)}`, response.status);
      const page = JSON.parse(text) as { registered_models?: SearchedModel[]; next_page_token?: string };
      models.push(...(page.registered_models ?? []));
      pageToken = page.next_page_token;
    } while (pageToken);
    return models;
  }

  private async mlflowRead<T>(read: () => Promise<T>, model?: string): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (model && error instanceof MlflowError && (error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || error.status === 404))
        throw new ModelNotFoundError(model);
      throw this.unavailable(error);
    }
  }

  private async historyRead<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (isConnectionFailure(error))
        throw new RegistryUnavailableError('history-database', `the model registry history database is unreachable: ${causeOf(error)}`);
      throw error;
    }
  }

  /** MLflow down or failing (5xx, refused, timed out) -> 503; the history database unreachable -> 503; else as is. */
  private unavailable(error: unknown): unknown {
    const url = this.options.mlflowUrl;
    if (error instanceof MlflowError && error.status >= 500)
      return new RegistryUnavailableError('mlflow', `MLflow at ${url} failed with ${error.status}; try again shortly`);
    const name = (error as { name?: unknown } | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return new RegistryUnavailableError('mlflow', `MLflow at ${url} did not answer in time`);
    if (isFetchFailure(error))
      return new RegistryUnavailableError('mlflow', `MLflow is unreachable at ${url}: ${causeOf(error)}`);
    if (isConnectionFailure(error))
      return new RegistryUnavailableError('history-database', `the model registry history database is unreachable: ${causeOf(error)}`);
    return error;
  }
}

/** Short-lived cache of the MLflow reads (the history is never cached); an action clears the model and the list. */
export class CachingModelRegistryClient implements ModelRegistryClient {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(
    private readonly inner: ModelRegistryClient,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  listModels(): Promise<RegistryModelSummary[]> {
    return this.cached('models', () => this.inner.listModels());
  }

  getModel(name: string, options: { fresh?: boolean } = {}): Promise<RegistryModelDetail> {
    if (options.fresh) {
      const value = this.inner.getModel(name);
      this.remember(`model:${name}`, value);
      return value;
    }
    return this.cached(`model:${name}`, () => this.inner.getModel(name));
  }

  getHistory(name: string, limit: number): Promise<AliasHistoryEntry[]> {
    return this.inner.getHistory(name, limit);
  }

  championAt(name: string, at: Date): Promise<ChampionAtTime> {
    return this.inner.championAt(name, at);
  }

  async promote(input: PromoteInput): Promise<AliasHistoryEntry> {
    try {
      return await this.inner.promote(input);
    } finally {
      this.invalidate(input.model);
    }
  }

  async rollback(input: RollbackInput): Promise<AliasHistoryEntry> {
    try {
      return await this.inner.rollback(input);
    } finally {
      this.invalidate(input.model);
    }
  }

  invalidate(model: string): void {
    this.entries.delete('models');
    this.entries.delete(`model:${model}`);
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value as Promise<T>;
    const value = load();
    this.remember(key, value);
    return value;
  }

  /** Failures are not kept: the next request asks MLflow again. */
  private remember(key: string, value: Promise<unknown>): void {
    if (this.ttlMs <= 0) return;
    const entry = { expires: this.now() + this.ttlMs, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
  }
}
