import { problems } from '@platform/service-kit';

export const STATUSES = ['draft', 'running', 'stopped', 'concluded'] as const;
export type ExperimentStatus = (typeof STATUSES)[number];
export type ExperimentKind = 'feature' | 'model';
/** The aliases of a registered model (MLflow) a model experiment's variants are bound to. */
export type ModelAlias = 'champion' | 'challenger';
export type Platform = 'web' | 'ios' | 'android';

export interface Variant {
  name: string;
  /** percent, an integer; the weights of an experiment sum to 100 */
  weight: number;
  /** model experiments only: the alias of `Experiment.model` this variant serves */
  modelAlias?: ModelAlias;
}

/** Who may see an experiment: an empty or missing list does not restrict. */
export interface Targeting {
  /** ISO 3166-1 alpha-2 codes, e.g. `DE` */
  countries?: string[];
  platforms?: Platform[];
}

export interface Experiment {
  key: string;
  name: string;
  hypothesis: string;
  /** a catalog group ref, e.g. `group:personalization-team` */
  owner: string;
  kind: ExperimentKind;
  /** model experiments: the registered model, e.g. `recommendation-ranker` */
  model?: string;
  /** hash seed, fixed when the experiment starts (defaults to the key) */
  seed: string;
  status: ExperimentStatus;
  variants: Variant[];
  targeting: Targeting;
  winner?: string;
  /** increases with every change */
  version: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  concludedAt: string | null;
}

export interface ExperimentInput {
  key: string;
  name: string;
  hypothesis?: string;
  owner: string;
  kind: ExperimentKind;
  model?: string;
  seed?: string;
  variants: Variant[];
  targeting?: Targeting;
}

export type ExperimentPatch = Partial<Omit<ExperimentInput, 'key'>>;

/** Who changed an experiment: the token's subject and roles. */
export interface Actor {
  sub: string;
  roles: string[];
}

export type AuditAction = 'create' | 'update' | 'start' | 'ramp' | 'stop' | 'conclude' | NoteAction;
/**
 * Audit entries that change nothing in the experiment (before = after): the rollout controller paused on a
 * sample ratio mismatch, a rollout plan was saved, a guardrail rollback finished (the registry's demotion).
 */
export type NoteAction = 'pause' | 'plan' | 'rollback';

export interface AuditEntry {
  id: number;
  experimentKey: string;
  at: string;
  actor: Actor;
  action: AuditAction;
  before: Experiment | null;
  after: Experiment;
  reason: string | null;
  evidence: Record<string, unknown> | null;
}

/** The lifecycle: which status each action needs, and the one it leads to. */
export const TRANSITIONS: Record<'start' | 'stop' | 'conclude', { from: ExperimentStatus[]; to: ExperimentStatus }> = {
  start: { from: ['draft'], to: 'running' },
  stop: { from: ['running'], to: 'stopped' },
  conclude: { from: ['running', 'stopped'], to: 'concluded' },
};

/** 409 unless the experiment is in one of the statuses the action needs. */
export function assertStatus(experiment: Experiment, allowed: ExperimentStatus[], action: string): void {
  if (!allowed.includes(experiment.status)) {
    throw problems.conflict(
      `Cannot ${action} experiment ${experiment.key}: it is ${experiment.status}; ${action} needs ${allowed.join(' or ')}.`,
      { experimentStatus: experiment.status },
    );
  }
}

/**
 * The rules the contract's schemas cannot express (422): unique variant names, weights summing to 100, and a
 * model experiment naming its model with every variant bound to an alias (a feature experiment binding none).
 */
export function validateDefinition(definition: Pick<ExperimentInput, 'kind' | 'model' | 'variants'>): void {
  const errors: Array<{ pointer: string; message: string }> = [];
  const names = new Set<string>();
  definition.variants.forEach((variant, i) => {
    if (names.has(variant.name)) errors.push({ pointer: `/variants/${i}/name`, message: `variant ${variant.name} is listed twice` });
    names.add(variant.name);
    if (definition.kind === 'model' && !variant.modelAlias) {
      errors.push({ pointer: `/variants/${i}/modelAlias`, message: 'every variant of a model experiment names a model alias' });
    }
    if (definition.kind === 'feature' && variant.modelAlias) {
      errors.push({ pointer: `/variants/${i}/modelAlias`, message: 'a feature experiment binds no model alias' });
    }
  });
  validateWeights(definition.variants, errors);
  if (definition.kind === 'model' && !definition.model) errors.push({ pointer: '/model', message: 'a model experiment names its registered model' });
  if (definition.kind === 'feature' && definition.model) errors.push({ pointer: '/model', message: 'a feature experiment names no model' });
  if (errors.length) throw problems.unprocessable('The experiment definition is not consistent.', errors);
}

function validateWeights(variants: ReadonlyArray<{ weight: number }>, errors: Array<{ pointer: string; message: string }>): void {
  const sum = variants.reduce((total, variant) => total + variant.weight, 0);
  if (sum !== 100) errors.push({ pointer: '/variants', message: `the weights sum to ${sum}, not 100` });
}

/** New weights for a running experiment: exactly its variants, each once, summing to 100 (422 otherwise). */
export function rampedVariants(experiment: Experiment, weights: ReadonlyArray<{ name: string; weight: number }>): Variant[] {
  const errors: Array<{ pointer: string; message: string }> = [];
  const byName = new Map<string, number>();
  weights.forEach((entry, i) => {
    if (byName.has(entry.name)) errors.push({ pointer: `/variants/${i}/name`, message: `variant ${entry.name} is listed twice` });
    else if (!experiment.variants.some(v => v.name === entry.name)) {
      errors.push({ pointer: `/variants/${i}/name`, message: `experiment ${experiment.key} has no variant ${entry.name}` });
    }
    byName.set(entry.name, entry.weight);
  });
  for (const variant of experiment.variants) {
    if (!byName.has(variant.name)) errors.push({ pointer: '/variants', message: `variant ${variant.name} needs a weight` });
  }
  validateWeights(weights, errors);
  if (errors.length) throw problems.unprocessable('The new weights do not fit the experiment.', errors);
  return experiment.variants.map(variant => ({ ...variant, weight: byName.get(variant.name)! }));
}

/** Does a request with these attributes fall within the experiment's targeting? */
export function isTargeted(targeting: Targeting, attributes: { country?: string; platform?: string }): boolean {
  if (targeting.countries?.length && !(attributes.country && targeting.countries.includes(attributes.country))) return false;
  if (targeting.platforms?.length && !(attributes.platform && targeting.platforms.includes(attributes.platform as Platform))) {
    return false;
  }
  return true;
}
