import type { Logger } from 'pino';
import { MlflowError, type ModelVersion } from '@platform/model-registry';
import type { RecommendationMetrics } from '../metrics';
import { ARTIFACT_FILES, type ArtifactFile, type LoadedModel, ModelLoadError, parseModel } from './artifact';

/** What the store needs of the registry; `MlflowClient` is one. */
export interface ModelRegistry {
  versionByAlias(name: string, alias: string): Promise<ModelVersion>;
  downloadArtifact(artifactUri: string, path: string): Promise<Buffer>;
}

export interface ModelStoreOptions {
  registry: ModelRegistry;
  modelName: string;
  /** the aliases to follow; the first is the primary one (champion): the service is ready once it is loaded */
  aliases: string[];
  pollIntervalMs: number;
  /** a lookup or download slower than this counts as the registry being unreachable */
  timeoutMs: number;
  metrics: RecommendationMetrics;
  logger: Logger;
  /** called with a checked version before it is first served (e.g. to upload it to the scorer); if it throws, the version is not served */
  onServe?: (model: LoadedModel) => void;
  /** called when no alias serves a version any more */
  onRetire?: (model: LoadedModel) => void;
}

class Timeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The registry answered that the alias (or the registered model) does not exist: not an outage. */
function aliasAbsent(error: unknown): boolean {
  return (
    error instanceof MlflowError &&
    (error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || error.errorCode === 'INVALID_PARAMETER_VALUE' || error.status === 404)
  );
}

/**
 * The models served, one per alias, followed by polling the registry. A new version behind an alias is downloaded
 * and checked completely before it replaces the old one in a single assignment: a request holds the model object it
 * started with, so a swap never fails or mixes versions. A refused artifact (wrong format, sizes, non-finite values,
 * unparsable JSON) keeps the old model and is not retried (a version's artifacts never change); a failed download is
 * retried at the next poll. While MLflow is unreachable the last good models keep serving.
 */
export class ModelStore {
  private readonly served = new Map<string, LoadedModel>();
  private readonly refused = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private polling: Promise<void> | undefined;
  private reachable: boolean | undefined;
  private lastProblem: string | undefined;
  /** since when each alias has served its current version */
  private readonly since = new Map<string, Date>();
  private lastContact: Date | undefined;

  constructor(private readonly options: ModelStoreOptions) {}

  get primaryAlias(): string {
    return this.options.aliases[0];
  }

  /** the model served for an alias now (undefined when the alias has none) */
  get(alias: string): LoadedModel | undefined {
    return this.served.get(alias);
  }

  champion(): LoadedModel | undefined {
    return this.served.get(this.primaryAlias);
  }

  /** for /readyz: throws until the primary alias's model is loaded; stays fine once it is, even if MLflow goes away */
  checkReady(): void {
    if (!this.champion()) {
      throw new Error(
        `no ${this.options.modelName}@${this.primaryAlias} loaded yet${this.lastProblem ? ` (${this.lastProblem})` : ''}`,
      );
    }
  }

  registryReachable(): boolean | undefined {
    return this.reachable;
  }

  /** What the store serves now, for `GET /models`: per followed alias its version and since when, and the registry's state. */
  status(): {
    model: string;
    aliases: Array<{ alias: string; version: string | null; loadedAt: Date | null }>;
    registryUp: boolean | null;
    lastRegistryContactAt: Date | null;
  } {
    return {
      model: this.options.modelName,
      aliases: this.options.aliases.map(alias => ({
        alias,
        version: this.served.get(alias)?.version ?? null,
        loadedAt: this.served.has(alias) ? (this.since.get(alias) ?? null) : null,
      })),
      registryUp: this.reachable ?? null,
      lastRegistryContactAt: this.lastContact ?? null,
    };
  }

  /** polls at once, then every pollIntervalMs until stop() */
  start(): void {
    this.stopped = false;
    const tick = async () => {
      this.polling = this.refresh();
      await this.polling;
      if (!this.stopped) this.timer = setTimeout(tick, this.options.pollIntervalMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  /** One poll of every alias; never throws. */
  async refresh(): Promise<void> {
    const { registry, modelName, timeoutMs, logger } = this.options;
    let reachable = true;
    for (const alias of this.options.aliases) {
      let version: ModelVersion;
      try {
        version = await withTimeout(registry.versionByAlias(modelName, alias), timeoutMs, `${modelName}@${alias}`);
      } catch (error) {
        if (aliasAbsent(error)) {
          this.aliasGone(alias);
          continue;
        }
        reachable = false;
        this.lastProblem = `MLflow unreachable: ${(error as Error).message}`;
        continue;
      }
      const current = this.served.get(alias);
      if (current?.version === version.version || this.refused.has(version.version)) continue;
      const loaded = [...this.served.values()].find(m => m.version === version.version) ?? (await this.load(alias, version));
      if (loaded === 'unreachable') {
        reachable = false;
        continue;
      }
      if (!loaded) continue;
      try {
        this.options.onServe?.(loaded);
      } catch (error) {
        // e.g. the scorer could not take the matrix: the previous version stays served, the next poll tries again
        this.lastProblem = `v${loaded.version} could not be prepared for serving: ${(error as Error).message}`;
        logger.error({ err: error, model: modelName, alias, version: loaded.version }, 'model version not prepared for serving; the previous version stays served');
        continue;
      }
      this.served.set(alias, loaded);
      if (current) this.retireIfUnserved(current);
      this.since.set(alias, new Date());
      this.options.metrics.modelLoads.inc({ alias });
      logger.info({ model: modelName, alias, version: loaded.version, previous: current?.version }, 'model version now served');
      this.publishInfo();
    }
    this.setReachable(reachable);
  }

  private aliasGone(alias: string) {
    const current = this.served.get(alias);
    if (!current) return;
    if (alias === this.primaryAlias) {
      // never leave the service without a model: keep the last champion, say so once per poll
      this.options.logger.warn({ model: this.options.modelName, alias, version: current.version }, 'primary alias gone from the registry; keeping the last loaded version');
      return;
    }
    this.served.delete(alias);
    this.retireIfUnserved(current);
    this.since.delete(alias);
    this.options.logger.info({ model: this.options.modelName, alias, version: current.version }, 'alias gone from the registry; its variants serve the primary alias');
    this.publishInfo();
  }

  private retireIfUnserved(model: LoadedModel) {
    if (![...this.served.values()].includes(model)) this.options.onRetire?.(model);
  }

  private async load(alias: string, version: ModelVersion): Promise<LoadedModel | 'unreachable' | undefined> {
    const { registry, modelName, timeoutMs, metrics, logger } = this.options;
    let files: Record<ArtifactFile, Buffer>;
    try {
      const names = Object.values(ARTIFACT_FILES);
      const bodies = await withTimeout(
        Promise.all(names.map(file => registry.downloadArtifact(version.source, file))),
        timeoutMs,
        `artifacts of ${modelName} v${version.version}`,
      );
      files = Object.fromEntries(names.map((file, i) => [file, bodies[i]])) as Record<ArtifactFile, Buffer>;
    } catch (error) {
      metrics.modelLoadFailures.inc({ reason: 'download' });
      this.lastProblem = `download of v${version.version} failed: ${(error as Error).message}`;
      logger.warn({ err: error, model: modelName, alias, version: version.version }, 'model download failed; retried at the next poll');
      // a 404 of a file is a broken version, anything else (connection, timeout, 5xx) an outage to retry
      if (error instanceof MlflowError && error.status === 404) {
        this.refused.set(version.version, 'download');
        return undefined;
      }
      return 'unreachable';
    }
    try {
      const started = performance.now();
      const model = parseModel(modelName, version.version, files);
      logger.info(
        { model: modelName, alias, version: version.version, items: model.items, users: model.users, factors: model.factors, parseMs: Math.round(performance.now() - started) },
        'model version loaded',
      );
      return model;
    } catch (error) {
      const reason = error instanceof ModelLoadError ? error.reason : 'wrong_format';
      metrics.modelLoadFailures.inc({ reason });
      this.refused.set(version.version, reason);
      this.lastProblem = `v${version.version} refused (${reason}): ${(error as Error).message}`;
      logger.error(
        { model: modelName, alias, version: version.version, reason, detail: (error as Error).message, serving: this.served.get(alias)?.version ?? null },
        'model version refused; the previous version stays served',
      );
      return undefined;
    }
  }

  private setReachable(reachable: boolean) {
    const { metrics, logger, modelName } = this.options;
    metrics.registryUp.set(reachable ? 1 : 0);
    if (reachable) {
      this.lastContact = new Date();
      metrics.lastRegistryContact.set(this.lastContact.getTime() / 1000);
    }
    if (reachable !== this.reachable) {
      if (reachable) logger.info({ model: modelName }, 'model registry reachable');
      else logger.warn({ model: modelName, problem: this.lastProblem, serving: Object.fromEntries([...this.served].map(([a, m]) => [a, m.version])) }, 'model registry unreachable; serving the last loaded models');
    }
    this.reachable = reachable;
  }

  private publishInfo() {
    const { modelInfo } = this.options.metrics;
    modelInfo.reset();
    for (const [alias, model] of this.served) modelInfo.set({ alias, version: model.version }, 1);
  }
}
