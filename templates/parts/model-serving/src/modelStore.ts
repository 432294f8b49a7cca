import type { Logger } from 'pino';
import { MlflowError, type ModelRegistry, type ModelVersion } from './mlflow.js';
import type { Metrics } from './metrics.js';
import { MODEL_FILE, ModelLoadError, parseModel, type Model } from './model.js';

export interface ModelStoreOptions {
  registry: ModelRegistry;
  modelName: string;
  alias: string;
  pollIntervalMs: number;
  metrics: Metrics;
  logger: Logger;
}

/**
 * The model served, followed by polling the alias in the registry. A new version behind the alias is downloaded and
 * checked completely before it replaces the old one in one assignment: a request keeps the model it started with,
 * so a swap never fails a request or mixes versions. A refused file is not retried (a version's files never change);
 * a failed download is, at the next poll. While MLflow is unreachable the loaded model keeps serving.
 */
export class ModelStore {
  private served: Model | undefined;
  private readonly refused = new Set<string>();
  private lastProblem: string | undefined;
  private reachable: boolean | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: ModelStoreOptions) {}

  /** the model served now; undefined until the first version is loaded */
  current(): Model | undefined {
    return this.served;
  }

  /** for /readyz: throws until a version is loaded; stays fine once one is, even while MLflow is away */
  async checkReady(): Promise<void> {
    if (!this.served) {
      const { modelName, alias } = this.options;
      throw new Error(`models:/${modelName}@${alias} not loaded yet${this.lastProblem ? ` (${this.lastProblem})` : ''}`);
    }
  }

  status() {
    return {
      model: this.options.modelName,
      alias: this.options.alias,
      version: this.served?.version ?? null,
      loadedAt: this.served?.loadedAt.toISOString() ?? null,
      registryUp: this.reachable ?? null,
      problem: this.lastProblem ?? null,
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

  /** One poll; never throws. */
  async refresh(): Promise<void> {
    const { registry, modelName, alias, metrics, logger } = this.options;
    let version: ModelVersion;
    try {
      version = await registry.versionByAlias(modelName, alias);
    } catch (error) {
      const absent = error instanceof MlflowError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || error.errorCode === 'INVALID_PARAMETER_VALUE');
      // an alias that does not exist is the registry answering, not an outage
      this.lastProblem = absent ? `alias ${alias} is not set on ${modelName}` : `MLflow unreachable: ${(error as Error).message}`;
      this.setReachable(absent);
      return;
    }
    this.setReachable(true);
    if (this.served?.version === version.version || this.refused.has(version.version)) return;

    let file: Buffer;
    try {
      file = await registry.downloadArtifact(version.source, MODEL_FILE);
    } catch (error) {
      metrics.modelLoadFailures.inc({ reason: 'download' });
      this.lastProblem = `download of v${version.version} failed: ${(error as Error).message}`;
      logger.warn({ err: error, model: modelName, version: version.version }, 'model download failed; retried at the next poll');
      // a missing file is a broken version; anything else (connection, timeout, 5xx) is retried
      if (error instanceof MlflowError && error.status === 404) this.refused.add(version.version);
      return;
    }
    let model: Model;
    try {
      model = parseModel(modelName, version.version, file);
    } catch (error) {
      const reason = error instanceof ModelLoadError ? error.reason : 'wrong_format';
      metrics.modelLoadFailures.inc({ reason });
      this.refused.add(version.version);
      this.lastProblem = `v${version.version} refused (${reason}): ${(error as Error).message}`;
      logger.error({ model: modelName, version: version.version, reason, detail: (error as Error).message, serving: this.served?.version ?? null }, 'model version refused; the previous version stays served');
      return;
    }
    const previous = this.served;
    this.served = model;
    this.lastProblem = undefined;
    metrics.modelLoads.inc();
    metrics.modelInfo.reset();
    metrics.modelInfo.set({ model: modelName, alias, version: model.version }, 1);
    logger.info({ model: modelName, alias, version: model.version, previous: previous?.version ?? null }, 'model version now served');
  }

  private setReachable(reachable: boolean) {
    this.options.metrics.registryUp.set(reachable ? 1 : 0);
    if (reachable !== this.reachable && this.reachable !== undefined) {
      if (reachable) this.options.logger.info({ model: this.options.modelName }, 'model registry reachable again');
      else this.options.logger.warn({ model: this.options.modelName, problem: this.lastProblem, serving: this.served?.version ?? null }, 'model registry unreachable; serving the loaded model');
    }
    this.reachable = reachable;
  }
}
