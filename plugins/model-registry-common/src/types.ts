/** Shapes of the model registry plugin's API (`/api/model-registry`, docs/model-registry-plugin.md). */

/** The catalog annotation whose value is the registered model's name in MLflow. */
export const MLFLOW_MODEL_ANNOTATION = 'platform.example.com/mlflow-model';

/** The offline metric promotions are compared on: a version tag (docs/model-artifacts.md), else the run's metric. */
export const PROMOTION_METRIC = 'model_recall_at_20';

/** The aliases the registry operations move (docs/model-registry.md). */
export type ModelAlias = 'champion' | 'challenger' | 'previous-champion';

/** Which version each alias named; null when it was not set. */
export type AliasState = Record<ModelAlias, string | null>;

/** Where the model is in the catalog: the entity carrying the annotation (the Resource of type ml-model first). */
export interface ModelCatalogEntity {
  /** e.g. `resource:default/recommendation-ranker` */
  entityRef: string;
  /** e.g. `Model recommendation-ranker` */
  title: string | null;
  /** the owner's entity ref, e.g. `group:default/personalization-team` */
  owner: string | null;
}

export interface ModelSummary {
  name: string;
  description: string | null;
  aliases: AliasState;
  /** the newest version's number; null without versions */
  latestVersion: string | null;
  /** when the newest version was registered (the end of its training), ISO 8601 */
  lastTrainedAt: string | null;
  /** null when no catalog entity carries the annotation for this model */
  catalog: ModelCatalogEntity | null;
}

export interface ModelVersionDetail {
  version: string;
  /** ISO 8601 */
  createdAt: string | null;
  status: string | null;
  runId: string | null;
  source: string | null;
  /** the `dataset_sha256` tag: the fingerprint of the interactions it was trained on */
  datasetSha256: string | null;
  /** the version's `model_recall_at_20` (tag, else the run's metric) */
  recallAt20: number | null;
  /** the `popularity_recall_at_20` baseline of the same split */
  popularityRecallAt20: number | null;
  aliases: ModelAlias[];
  tags: Record<string, string>;
  /** the run's params; empty when the version has no run or it is gone */
  params: Record<string, string>;
  /** the run's metrics, last value of each */
  metrics: Record<string, number>;
}

export interface ModelDetail extends ModelSummary {
  /** newest first */
  versions: ModelVersionDetail[];
}

export type RegistryAction = 'nominate' | 'promote' | 'demote' | 'rollback';

/** One row of the registry's append-only history. */
export interface AliasHistoryEntry {
  id: number;
  action: RegistryAction;
  version: string;
  before: AliasState;
  after: AliasState;
  actor: string;
  reason: string;
  evidence: unknown;
  /** ISO 8601 */
  at: string;
}

export interface ChampionAtTime {
  /** the time asked about, ISO 8601 */
  at: string;
  /** false when the registry had not yet operated on the model at that time: the champion then is unknown */
  known: boolean;
  /** the champion version then; null when there was none (or unknown) */
  version: string | null;
  /** the operation that made it so */
  entry: AliasHistoryEntry | null;
}

export interface PromoteRequest {
  version: string;
  reason: string;
}

export interface RollbackRequest {
  reason: string;
}

/** The answer of an action: the history row it wrote. */
export interface ActionResult {
  entry: AliasHistoryEntry;
  /** true when the promotion went through only because the caller holds the override permission */
  overridden: boolean;
}

/**
 * What the portal's model registry backend offers (`/api/model-registry`); the frontend client implements it
 * over HTTP and tests implement it in memory.
 */
export interface ModelRegistryApi {
  listModels(): Promise<ModelSummary[]>;
  getModel(name: string): Promise<ModelDetail>;
  /** newest first */
  getHistory(name: string, options?: { limit?: number }): Promise<AliasHistoryEntry[]>;
  getChampionAt(name: string, at: Date): Promise<ChampionAtTime>;
  promote(name: string, request: PromoteRequest): Promise<ActionResult>;
  rollback(name: string, request: RollbackRequest): Promise<ActionResult>;
  /** what the running serving service of a Component serves now, per experiment variant */
  getServingStatus(entityRef: string): Promise<ServingStatus>;
  /** the Component's golden signals (rate, P95, errors) from Prometheus */
  getGoldenSignals(entityRef: string): Promise<GoldenSignals>;
}

/** One experiment variant of the serving service (its `GET /models`). */
export interface ServedVariant {
  variant: string;
  /** the alias the variant names, e.g. `champion` */
  alias: string;
  /** the version loaded behind that alias; null when it has none */
  version: string | null;
  /** since when the alias serves that version in the running process */
  loadedAt: string | null;
  /** the alias whose version answers the variant (the primary alias, champion, when `version` is null) */
  servedAlias: string | null;
  /** the version answering the variant's requests now; null while nothing is loaded */
  servedVersion: string | null;
}

/** `GET /api/model-registry/services/:entityRef/serving`: read from the running service, not from the registry. */
export interface ServingStatus {
  entityRef: string;
  /** the registered model the service serves (its own word) */
  model: string;
  variants: ServedVariant[];
  /** whether the service's last poll of MLflow succeeded (null before its first) */
  registryUp: boolean | null;
  lastRegistryContactAt: string | null;
  /** when the portal asked */
  fetchedAt: string;
}

/** Numbers of one experiment variant from the serving service's own histogram. */
export interface VariantSignals {
  variant: string;
  /** requests per second over the window */
  requestRate: number | null;
  p95Seconds: number | null;
}

/**
 * `GET /api/model-registry/services/:entityRef/signals`: instant Prometheus queries over `window` for the series
 * whose `service` label is the entity's name. A null is "no data" (no samples in the window), not zero.
 */
export interface GoldenSignals {
  entityRef: string;
  /** the Prometheus `service` label queried */
  service: string;
  /** the rate window, e.g. `5m` */
  window: string;
  /** the evaluation time of the queries */
  at: string;
  /** whether Prometheus scrapes the service right now (`up`); null when it has no such target */
  scraped: boolean | null;
  /** requests per second, all API routes (without /metrics, /healthz, /readyz) */
  requestRate: number | null;
  /** P95 of the same requests, in seconds */
  p95Seconds: number | null;
  /** 5xx answers / all answers of the same requests, 0..1 */
  errorRatio: number | null;
  /** per variant, when the service exports `recommendation_request_duration_seconds` (empty otherwise) */
  variants: VariantSignals[];
  /** the PromQL sent, for the curious and for debugging */
  queries: Record<string, string>;
}
