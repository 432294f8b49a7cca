/**
 * Deterministic bucketing, reproducible on any machine and in any language: GrowthBook's hash version 2.
 *
 *   bucket(seed, userId) = fnv32a(String(fnv32a(seed + userId))) % 10000 / 10000
 *
 * The same seed and user id give the same bucket in GrowthBook's SDKs (checked against the `hash` vectors of
 * GrowthBook's packages/sdk-js/test/cases.json), in this service, and in any replica of it.
 */

/** 32-bit FNV-1a over the UTF-16 code units of `text` (as GrowthBook's hashFnv32a). */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    // hash * 16777619 (the FNV prime, 0x01000193) modulo 2^32
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The bucket as an integer in 0..9999: the unit the variant ranges are laid out in. */
export function bucketIndex(seed: string, userId: string): number {
  return fnv32a(String(fnv32a(seed + userId))) % 10_000;
}

/** GrowthBook's hash v2 value in [0, 1), 4 decimals. */
export function hashV2(seed: string, userId: string): number {
  return bucketIndex(seed, userId) / 10_000;
}

export interface WeightedVariant {
  name: string;
  /** percent; the weights of an experiment are integers that sum to 100 */
  weight: number;
}

/** A variant's half-open range [start, end) of bucket indexes (0..10000). */
export interface BucketRange {
  name: string;
  start: number;
  end: number;
}

/**
 * Ramp-safe layout of the bucket space. The first variant (control) takes the bottom of the range; the other
 * variants (treatments) are stacked from the TOP down, in their listed order:
 *
 *   weights control 90, treatment 10:   control [0, 9000)   treatment [9000, 10000)
 *   weights control 50, treatment 50:   control [0, 5000)   treatment [5000, 10000)
 *
 * Raising a treatment's weight moves the control boundary down and never the treatment's top, so the first
 * treatment's range only grows: no bucket that was treatment at 10% is control at 50%. With more treatments, a
 * bucket in some treatment stays in a treatment as long as the treatments' total does not shrink (which one can
 * change when a treatment above it grows). Users already assigned never move at all: their assignment is
 * persisted (see DecisionService); this layout is what keeps the hash itself ramp-safe for users not yet seen.
 */
export function bucketRanges(variants: readonly WeightedVariant[]): BucketRange[] {
  if (variants.length === 0) return [];
  const [control, ...treatments] = variants;
  const ranges: BucketRange[] = [];
  let top = 10_000;
  for (const treatment of treatments) {
    const size = Math.round(treatment.weight * 100);
    ranges.push({ name: treatment.name, start: top - size, end: top });
    top -= size;
  }
  ranges.unshift({ name: control.name, start: 0, end: Math.max(0, top) });
  return ranges;
}

/** The variant whose range holds the bucket; control when none does (only possible with weights not summing to 100). */
export function variantForBucket(variants: readonly WeightedVariant[], bucket: number): string {
  const ranges = bucketRanges(variants);
  for (let i = ranges.length - 1; i >= 1; i--) {
    if (bucket >= ranges[i].start && bucket < ranges[i].end) return ranges[i].name;
  }
  return variants[0].name;
}

/** The pure assignment: which variant a user not yet assigned gets under these weights. */
export function assignVariant(seed: string, userId: string, variants: readonly WeightedVariant[]): string {
  return variantForBucket(variants, bucketIndex(seed, userId));
}
