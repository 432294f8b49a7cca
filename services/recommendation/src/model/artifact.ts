import os from 'node:os';

/** docs/model-artifacts.md: the one format this service loads. */
export const ARTIFACT_FORMAT = 'platform-ials-v1';

export const ARTIFACT_FILES = {
  manifest: 'manifest.json',
  itemFactors: 'item_factors.bin',
  userFactors: 'user_factors.bin',
  itemIndex: 'item_index.json',
  userIndex: 'user_index.json',
  popularity: 'popularity.json',
} as const;

export type ArtifactFile = (typeof ARTIFACT_FILES)[keyof typeof ARTIFACT_FILES];

/** Why a model version was refused: the `reason` label of recommendation_model_load_failures_total. */
export type LoadFailureReason =
  | 'download'
  | 'unparsable_json'
  | 'wrong_format'
  | 'size_mismatch'
  | 'non_finite'
  | 'bad_index';

export class ModelLoadError extends Error {
  constructor(readonly reason: LoadFailureReason, message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/** A loaded, checked model version, read-only once built (swapped as a whole, never mutated). */
export interface LoadedModel {
  name: string;
  version: string;
  factors: number;
  items: number;
  users: number;
  /** I x k, row i = itemIds[i] */
  itemFactors: Float32Array;
  /** U x k, row u = userIds[u] */
  userFactors: Float32Array;
  /** the L2 norm of each item row (cosine similarity) */
  itemNorms: Float32Array;
  itemIds: string[];
  itemRow: Map<string, number>;
  userRow: Map<string, number>;
  /** item rows, most popular first (the cold-start list) */
  popularity: Int32Array;
  loadedAt: Date;
}

function json(file: string, bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ModelLoadError('unparsable_json', `${file} is not JSON: ${(error as Error).message}`);
  }
}

function count(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ModelLoadError('wrong_format', `manifest ${what} is ${JSON.stringify(value)}, not an integer >= ${min}`);
  }
  return value;
}

function stringArray(file: string, value: unknown, length: number): string[] {
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string' || v.length === 0)) {
    throw new ModelLoadError('bad_index', `${file} is not an array of non-empty strings`);
  }
  if (value.length !== length) {
    throw new ModelLoadError('size_mismatch', `${file} has ${value.length} entries, the manifest says ${length}`);
  }
  return value as string[];
}

function rowsOf(file: string, ids: string[]): Map<string, number> {
  const rows = new Map<string, number>();
  ids.forEach((id, row) => rows.set(id, row));
  if (rows.size !== ids.length) throw new ModelLoadError('bad_index', `${file} repeats an id`);
  return rows;
}

function matrix(file: string, bytes: Buffer, rows: number, k: number): Float32Array {
  const expected = rows * k * 4;
  if (bytes.byteLength !== expected) {
    throw new ModelLoadError('size_mismatch', `${file} has ${bytes.byteLength} bytes, ${rows} x ${k} float32 is ${expected}`);
  }
  // a copy: aligned, and not a view of a pooled buffer
  const values = new Float32Array(rows * k);
  if (os.endianness() === 'LE') {
    new Uint8Array(values.buffer).set(bytes);
  } else {
    for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(i * 4);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ModelLoadError('non_finite', `${file} holds ${values[i]} at row ${Math.floor(i / k)}, column ${i % k}`);
    }
  }
  return values;
}

/**
 * Checks and builds a model from the files of a version (docs/model-artifacts.md). Anything that does not match
 * the manifest is refused with a ModelLoadError naming the reason; nothing half-built escapes.
 */
export function parseModel(name: string, version: string, files: Record<ArtifactFile, Buffer>): LoadedModel {
  const manifest = json(ARTIFACT_FILES.manifest, files[ARTIFACT_FILES.manifest]) as Record<string, unknown> | null;
  if (!manifest || typeof manifest !== 'object') throw new ModelLoadError('wrong_format', 'manifest.json is not an object');
  if (manifest.format !== ARTIFACT_FORMAT) {
    throw new ModelLoadError('wrong_format', `format ${JSON.stringify(manifest.format)}, this service loads ${ARTIFACT_FORMAT}`);
  }
  for (const [key, want] of [['dtype', 'float32'], ['byteOrder', 'little-endian'], ['layout', 'row-major']] as const) {
    if (manifest[key] !== undefined && manifest[key] !== want) {
      throw new ModelLoadError('wrong_format', `manifest ${key} is ${JSON.stringify(manifest[key])}, not ${want}`);
    }
  }
  const k = count(manifest.factors, 'factors', 1);
  const items = count(manifest.items, 'items', 1);
  const users = count(manifest.users, 'users', 0);

  const itemIds = stringArray(ARTIFACT_FILES.itemIndex, json(ARTIFACT_FILES.itemIndex, files[ARTIFACT_FILES.itemIndex]), items);
  const userIds = stringArray(ARTIFACT_FILES.userIndex, json(ARTIFACT_FILES.userIndex, files[ARTIFACT_FILES.userIndex]), users);
  const itemRow = rowsOf(ARTIFACT_FILES.itemIndex, itemIds);
  const userRow = rowsOf(ARTIFACT_FILES.userIndex, userIds);

  const popular = json(ARTIFACT_FILES.popularity, files[ARTIFACT_FILES.popularity]);
  if (!Array.isArray(popular)) throw new ModelLoadError('bad_index', 'popularity.json is not an array');
  const popularity = new Int32Array(popular.length);
  popular.forEach((id, i) => {
    const row = typeof id === 'string' ? itemRow.get(id) : undefined;
    if (row === undefined) throw new ModelLoadError('bad_index', `popularity.json names ${JSON.stringify(id)}, not an item of item_index.json`);
    popularity[i] = row;
  });

  const itemFactors = matrix(ARTIFACT_FILES.itemFactors, files[ARTIFACT_FILES.itemFactors], items, k);
  const userFactors = matrix(ARTIFACT_FILES.userFactors, files[ARTIFACT_FILES.userFactors], users, k);
  const itemNorms = new Float32Array(items);
  for (let i = 0; i < items; i++) {
    let sum = 0;
    for (let j = i * k, end = j + k; j < end; j++) sum += itemFactors[j] * itemFactors[j];
    itemNorms[i] = Math.sqrt(sum);
  }
  return {
    name,
    version,
    factors: k,
    items,
    users,
    itemFactors,
    userFactors,
    itemNorms,
    itemIds,
    itemRow,
    userRow,
    popularity,
    loadedAt: new Date(),
  };
}
