/**
 * Operational guardrails of a variant: its P95 latency and error rate against
 * thresholds. Pure: the caller reads the numbers (from Prometheus, for example
 * `histogram_quantile(0.95, …)` and a ratio of `rate(...)`s, filtered by the
 * variant label) and passes them in.
 *
 * @packageDocumentation
 */

/** The observed operational numbers of one variant; null/undefined/NaN = no data. */
export interface GuardrailObservation {
  /** P95 request latency in milliseconds. */
  p95LatencyMs?: number | null;
  /** Error rate as a fraction in [0, 1] (errors / requests). */
  errorRate?: number | null;
}

/** Limits of one guardrail; give either or both. */
export interface GuardrailLimit {
  /** Breached when the variant's value is above this. */
  max?: number;
  /**
   * Breached when the variant's value exceeds the control's by more than this.
   * For latency a fraction of the control's value (0.1 = 10 % slower); for the
   * error rate an absolute difference of rates (0.005 = 0.5 percentage points).
   * Needs the control's observation.
   */
  maxIncreaseOverControl?: number;
}

/** Thresholds of {@link evaluateGuardrails}. */
export interface GuardrailThresholds {
  p95LatencyMs?: GuardrailLimit;
  errorRate?: GuardrailLimit;
}

export type GuardrailName = 'p95LatencyMs' | 'errorRate';
export type GuardrailStatus = 'held' | 'breached' | 'no-data';

/** The outcome of one rule, with the numbers that decided it. */
export interface GuardrailCheck {
  guardrail: GuardrailName;
  rule: 'max' | 'maxIncreaseOverControl';
  status: GuardrailStatus;
  /** The variant's value (null when missing). */
  observed: number | null;
  /** The control's value, for rules relative to the control. */
  control: number | null;
  /** The value the observation was compared with (null when it could not be derived). */
  limit: number | null;
  /** One sentence with the numbers, for logs and the portal. */
  evidence: string;
}

/** The verdict of {@link evaluateGuardrails}. */
export interface GuardrailVerdict {
  variantKey: string;
  /** `breached` if any rule is breached, else `no-data` if any rule lacks data, else `held`. */
  status: GuardrailStatus;
  checks: GuardrailCheck[];
}

function present(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function format(name: GuardrailName, x: number): string {
  return name === 'p95LatencyMs'
    ? `${Number(x.toPrecision(6))} ms`
    : `${Number((x * 100).toPrecision(6))} %`;
}

function label(name: GuardrailName): string {
  return name === 'p95LatencyMs' ? 'P95 latency' : 'error rate';
}

function validateLimit(name: GuardrailName, limit: GuardrailLimit): void {
  for (const [key, value] of Object.entries(limit)) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `Guardrail ${name}.${key} must be a finite number ≥ 0, got ${value}`,
      );
    }
  }
  if (name === 'errorRate' && limit.max !== undefined && limit.max > 1) {
    throw new RangeError(
      `Guardrail errorRate.max is a fraction in [0, 1], got ${limit.max}`,
    );
  }
}

/**
 * Evaluate a variant's guardrails. Comparisons are strict: a value equal to its
 * limit holds. Missing numbers give `no-data` (never `held`), so a silent
 * Prometheus query cannot pass a guardrail.
 */
export function evaluateGuardrails(input: {
  variantKey: string;
  observed: GuardrailObservation;
  /** The control's observation, needed by `maxIncreaseOverControl` rules. */
  control?: GuardrailObservation;
  thresholds: GuardrailThresholds;
}): GuardrailVerdict {
  const checks: GuardrailCheck[] = [];
  const names: GuardrailName[] = ['p95LatencyMs', 'errorRate'];
  for (const name of names) {
    const limit = input.thresholds[name];
    if (!limit) continue;
    validateLimit(name, limit);
    const observedRaw = input.observed[name];
    const observed = present(observedRaw) ? observedRaw : null;
    const controlRaw = input.control?.[name];
    const control = present(controlRaw) ? controlRaw : null;

    if (limit.max !== undefined) {
      const max = limit.max;
      if (observed === null) {
        checks.push({
          guardrail: name,
          rule: 'max',
          status: 'no-data',
          observed,
          control: null,
          limit: max,
          evidence: `No ${label(name)} observed for ${
            input.variantKey
          }; limit ${format(name, max)}.`,
        });
      } else {
        const breached = observed > max;
        checks.push({
          guardrail: name,
          rule: 'max',
          status: breached ? 'breached' : 'held',
          observed,
          control: null,
          limit: max,
          evidence: `${label(name)} of ${input.variantKey} is ${format(
            name,
            observed,
          )}, ${breached ? 'above' : 'within'} the limit of ${format(
            name,
            max,
          )}.`,
        });
      }
    }

    if (limit.maxIncreaseOverControl !== undefined) {
      const increase = limit.maxIncreaseOverControl;
      let derived: number | null = null;
      if (control !== null) {
        derived =
          name === 'p95LatencyMs'
            ? control * (1 + increase)
            : control + increase;
      }
      const allowed =
        name === 'p95LatencyMs'
          ? `${Number((increase * 100).toPrecision(6))} % over`
          : `${Number((increase * 100).toPrecision(6))} percentage points over`;
      if (observed === null || control === null || derived === null) {
        checks.push({
          guardrail: name,
          rule: 'maxIncreaseOverControl',
          status: 'no-data',
          observed,
          control,
          limit: derived,
          evidence: `Cannot compare the ${label(name)} of ${
            input.variantKey
          } with the control: ${
            observed === null
              ? 'no value for the variant'
              : 'no value for the control'
          }.`,
        });
      } else {
        const breached = observed > derived;
        checks.push({
          guardrail: name,
          rule: 'maxIncreaseOverControl',
          status: breached ? 'breached' : 'held',
          observed,
          control,
          limit: derived,
          evidence: `${label(name)} of ${input.variantKey} is ${format(
            name,
            observed,
          )} against ${format(name, control)} in the control, ${
            breached ? 'more than' : 'not more than'
          } the allowed ${allowed} (${format(name, derived)}).`,
        });
      }
    }
  }

  if (checks.length === 0) {
    throw new RangeError('No guardrail thresholds were given');
  }
  let status: GuardrailStatus = 'held';
  if (checks.some(c => c.status === 'breached')) status = 'breached';
  else if (checks.some(c => c.status === 'no-data')) status = 'no-data';
  return { variantKey: input.variantKey, status, checks };
}
