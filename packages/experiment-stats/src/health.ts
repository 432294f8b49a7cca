/**
 * Health checks of an experiment's traffic: sample ratio mismatch (SRM) and
 * multiple exposures. Defaults follow GrowthBook: SRM flagged at p < 0.001 once
 * there are at least 8 users a variant; multiple exposures flagged at 1 % or
 * more of the users once there are at least 10 users.
 *
 * @packageDocumentation
 */

import { chiSquareSf } from './distributions';

/** GrowthBook's default SRM threshold (DEFAULT_SRM_THRESHOLD). */
export const DEFAULT_SRM_THRESHOLD = 0.001;
/** GrowthBook's DEFAULT_SRM_MINIMINUM_COUNT_PER_VARIATION. */
export const DEFAULT_SRM_MIN_USERS_PER_VARIANT = 8;
/** GrowthBook's DEFAULT_MULTIPLE_EXPOSURES_THRESHOLD (1 %). */
export const DEFAULT_MULTIPLE_EXPOSURE_THRESHOLD = 0.01;
/** GrowthBook's DEFAULT_MULTIPLE_EXPOSURES_ENOUGH_DATA_THRESHOLD. */
export const DEFAULT_MULTIPLE_EXPOSURE_MIN_USERS = 10;

/** One variant's observed and expected traffic. */
export interface SrmVariant {
  key: string;
  weight: number;
  observedUsers: number;
  expectedUsers: number;
  observedShare: number;
  expectedShare: number;
}

/** Result of the sample ratio mismatch check. */
export interface SrmResult {
  /**
   * `mismatch` when pValue < threshold, `not-enough-traffic` below
   * minUsersPerVariant × variants users (no verdict yet), `ok` otherwise.
   */
  status: 'ok' | 'mismatch' | 'not-enough-traffic';
  /** status === 'mismatch' */
  flagged: boolean;
  /** Chi-square goodness-of-fit p-value (1 when there is no traffic). */
  pValue: number;
  chiSquare: number;
  /** variants − 1, as gbstats (also when a variant has weight 0). */
  degreesOfFreedom: number;
  threshold: number;
  totalUsers: number;
  variants: SrmVariant[];
}

/** Options of {@link checkSampleRatio}. */
export interface SrmOptions {
  /** Flag when p < threshold. Default 0.001. */
  threshold?: number;
  /** No verdict below this many users per variant. Default 8. */
  minUsersPerVariant?: number;
}

/**
 * Chi-square goodness of fit of the observed users per variant against the
 * configured weights (gbstats `check_srm`). Weights need not sum to 1; variants
 * with weight ≤ 0 add nothing to the statistic, as in gbstats.
 */
export function checkSampleRatio(
  variants: ReadonlyArray<{ key: string; weight: number; users: number }>,
  options: SrmOptions = {},
): SrmResult {
  const threshold = options.threshold ?? DEFAULT_SRM_THRESHOLD;
  const minUsers =
    options.minUsersPerVariant ?? DEFAULT_SRM_MIN_USERS_PER_VARIANT;
  if (variants.length < 2) {
    throw new RangeError('A sample ratio check needs at least two variants');
  }
  const totalUsers = variants.reduce((s, v) => s + v.users, 0);
  const totalWeight = variants.reduce((s, v) => s + Math.max(0, v.weight), 0);
  if (!(totalWeight > 0)) {
    throw new RangeError('The variant weights must have a positive sum');
  }

  let chiSquare = 0;
  const rows = variants.map(v => {
    const expectedShare = Math.max(0, v.weight) / totalWeight;
    const expectedUsers = expectedShare * totalUsers;
    if (v.weight > 0 && totalUsers > 0) {
      chiSquare += (v.users - expectedUsers) ** 2 / expectedUsers;
    }
    return {
      key: v.key,
      weight: v.weight,
      observedUsers: v.users,
      expectedUsers,
      observedShare: totalUsers > 0 ? v.users / totalUsers : 0,
      expectedShare,
    };
  });

  const degreesOfFreedom = variants.length - 1;
  const pValue = totalUsers > 0 ? chiSquareSf(chiSquare, degreesOfFreedom) : 1;
  let status: SrmResult['status'];
  if (totalUsers < minUsers * variants.length) status = 'not-enough-traffic';
  else if (pValue < threshold) status = 'mismatch';
  else status = 'ok';
  return {
    status,
    flagged: status === 'mismatch',
    pValue,
    chiSquare,
    degreesOfFreedom,
    threshold,
    totalUsers,
    variants: rows,
  };
}

/** Result of the multiple-exposure check. */
export interface MultipleExposureResult {
  /**
   * `warning` when share ≥ threshold, `not-enough-traffic` below minUsers exposed
   * users, `not-measured` when the caller gave no count, `ok` otherwise.
   */
  status: 'ok' | 'warning' | 'not-enough-traffic' | 'not-measured';
  /** status === 'warning' */
  flagged: boolean;
  /** Users exposed to more than one variant (null when not measured). */
  multipleExposureUsers: number | null;
  /** All exposed users: the analysed users plus the multiply exposed ones. */
  exposedUsers: number;
  /** multipleExposureUsers / exposedUsers (0 when nobody was exposed or not measured). */
  share: number;
  threshold: number;
}

/** Options of {@link checkMultipleExposures}. */
export interface MultipleExposureOptions {
  /** Warn at this share or more. Default 0.01. */
  threshold?: number;
  /** No verdict below this many exposed users. Default 10. */
  minUsers?: number;
}

/**
 * The share of exposed users who saw more than one variant. The per-variant user
 * counts are taken to exclude them (GrowthBook removes such users from the
 * analysis), so the share is multiple / (analysed + multiple).
 */
export function checkMultipleExposures(
  multipleExposureUsers: number | undefined | null,
  analysedUsers: number,
  options: MultipleExposureOptions = {},
): MultipleExposureResult {
  const threshold = options.threshold ?? DEFAULT_MULTIPLE_EXPOSURE_THRESHOLD;
  const minUsers = options.minUsers ?? DEFAULT_MULTIPLE_EXPOSURE_MIN_USERS;
  if (multipleExposureUsers === undefined || multipleExposureUsers === null) {
    return {
      status: 'not-measured',
      flagged: false,
      multipleExposureUsers: null,
      exposedUsers: analysedUsers,
      share: 0,
      threshold,
    };
  }
  const exposedUsers = analysedUsers + multipleExposureUsers;
  const share = exposedUsers > 0 ? multipleExposureUsers / exposedUsers : 0;
  let status: MultipleExposureResult['status'];
  if (exposedUsers < minUsers) status = 'not-enough-traffic';
  else if (share >= threshold) status = 'warning';
  else status = 'ok';
  return {
    status,
    flagged: status === 'warning',
    multipleExposureUsers,
    exposedUsers,
    share,
    threshold,
  };
}
