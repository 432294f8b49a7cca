/** The file of a model version this service loads, under the version's artifact source. */
export const MODEL_FILE = 'model.json';
export const MODEL_FORMAT = 'linear-v1';

/** Why a version was refused: the `reason` label of model_load_failures_total. */
export type LoadFailureReason = 'download' | 'unparsable' | 'wrong_format';

export class ModelLoadError extends Error {
  constructor(readonly reason: LoadFailureReason, message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/** A loaded, checked model version; read-only once built (swapped as a whole, never changed). */
export interface Model {
  name: string;
  version: string;
  /** the inputs a prediction needs, by name */
  features: string[];
  predict(features: Record<string, number>): number;
  loadedAt: Date;
}

/**
 * Checks and builds a model from its file. The format here is a linear model,
 * `{ "format": "linear-v1", "features": [...], "weights": [...], "bias": 0 }`: replace this function (and MODEL_FILE)
 * with the loader of the service's own model (ONNX, TensorFlow.js, ...). Whatever does not fit is refused with a
 * ModelLoadError, and nothing half-built is served.
 */
export function parseModel(name: string, version: string, file: Buffer): Model {
  let json: unknown;
  try {
    json = JSON.parse(file.toString('utf8'));
  } catch (error) {
    throw new ModelLoadError('unparsable', `${MODEL_FILE} is not JSON: ${(error as Error).message}`);
  }
  const m = json as { format?: unknown; features?: unknown; weights?: unknown; bias?: unknown } | null;
  if (!m || typeof m !== 'object') throw new ModelLoadError('wrong_format', `${MODEL_FILE} is not an object`);
  if (m.format !== MODEL_FORMAT) {
    throw new ModelLoadError('wrong_format', `format ${JSON.stringify(m.format)}, this service loads ${MODEL_FORMAT}`);
  }
  const { features, weights, bias } = m;
  if (!Array.isArray(features) || features.length === 0 || features.some(f => typeof f !== 'string' || !f)) {
    throw new ModelLoadError('wrong_format', 'features is not a non-empty array of names');
  }
  if (new Set(features).size !== features.length) throw new ModelLoadError('wrong_format', 'features repeats a name');
  if (!Array.isArray(weights) || weights.length !== features.length || weights.some(w => typeof w !== 'number' || !Number.isFinite(w))) {
    throw new ModelLoadError('wrong_format', `weights is not ${features.length} finite numbers, one per feature`);
  }
  if (typeof bias !== 'number' || !Number.isFinite(bias)) throw new ModelLoadError('wrong_format', 'bias is not a finite number');
  const names = [...features] as string[];
  const w = Float64Array.from(weights as number[]);
  return {
    name,
    version,
    features: names,
    predict(input) {
      let sum = bias;
      for (let i = 0; i < names.length; i++) sum += w[i] * input[names[i]];
      return sum;
    },
    loadedAt: new Date(),
  };
}
