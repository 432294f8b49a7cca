/**
 * The few distribution functions the results engine needs: the standard normal,
 * Student's t and the chi-square distribution.
 *
 * No maintained statistics library is installed in this repository, so they are
 * built here on three classical special functions, each with a reference:
 *
 * - log Γ(x): Lanczos approximation, g = 7, n = 9 (Lanczos 1964; coefficients as
 *   published by Godfrey and used widely, relative error about 1e-15).
 * - regularized incomplete gamma P(a, x) / Q(a, x): power series for x < a + 1 and
 *   Legendre's continued fraction evaluated with the modified Lentz method otherwise
 *   (Numerical Recipes, 3rd ed., §6.2).
 * - regularized incomplete beta I_x(a, b): continued fraction with the modified
 *   Lentz method, using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) to stay in its
 *   fast-converging region (Numerical Recipes, 3rd ed., §6.4; DLMF 8.17.22).
 *
 * The normal CDF is Φ(z) = ½·erfc(−z/√2) and erfc(x) = Q(½, x²) (DLMF 7.11.2);
 * Student's t upper tail is ½·I_{ν/(ν+t²)}(ν/2, ½) (DLMF 8.17.5 with Abramowitz &
 * Stegun 26.7.1); the chi-square upper tail is Q(k/2, x/2) (A&S 26.4.19).
 * Quantiles are found by safeguarded Newton iteration on those tails.
 *
 * Upper tails are computed directly (never as 1 − CDF) so that p-values far in
 * the tail keep their relative precision. Checked against scipy through the
 * gbstats fixture (reference/gbstats-fixture.json) and the tests in this package.
 *
 * @packageDocumentation
 */

const EPS = 1e-16;
const FPMIN = 1e-300;
const MAX_ITERATIONS = 100_000;
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LN_SQRT_PI = 0.5 * Math.log(Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028,
  771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Natural logarithm of the gamma function, for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) {
    throw new RangeError(`logGamma needs x > 0, got ${x}`);
  }
  if (x === 0.5) return LN_SQRT_PI;
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) {
    // reflection: Γ(x)Γ(1−x) = π / sin(πx)
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Series for P(a, x), valid (fast) for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Continued fraction for Q(a, x), valid (fast) for x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x). */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Continued fraction of I_x(a, b) (without its prefactor). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b). `y` is 1 − x; pass it when it is known
 * more precisely than `1 - x` (it is, for Student's t).
 */
export function regularizedBeta(
  x: number,
  a: number,
  b: number,
  y: number = 1 - x,
): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const logFront = a * Math.log(x) + b * Math.log(y) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  }
  return 1 - (Math.exp(logFront) * betaContinuedFraction(y, b, a)) / b;
}

// ---------------------------------------------------------------- normal

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const half = 0.5 * z * z;
  // Φ(z) = ½·erfc(−z/√2) = ½·Q(½, z²/2) for z < 0
  return z < 0
    ? 0.5 * regularizedGammaQ(0.5, half)
    : 0.5 + 0.5 * regularizedGammaP(0.5, half);
}

/** Standard normal upper tail 1 − Φ(z), computed without cancellation. */
export function normalSf(z: number): number {
  return normalCdf(-z);
}

// Acklam's rational approximation of the normal quantile (relative error < 1.15e-9),
// refined below with Halley steps on the exact CDF.
const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2,
  1.38357751867269e2, -3.066479806614716e1, 2.506628277459239,
];
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2,
  6.680131188771972e1, -1.328068155288572e1,
];
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838,
  -2.549732539343734, 4.374664141464968, 2.938163982698783,
];
const ACKLAM_D = [
  7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996,
  3.754408661907416,
];

function acklam(p: number): number {
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((ACKLAM_C[0] * q + ACKLAM_C[1]) * q + ACKLAM_C[2]) * q +
        ACKLAM_C[3]) *
        q +
        ACKLAM_C[4]) *
        q +
        ACKLAM_C[5]) /
      ((((ACKLAM_D[0] * q + ACKLAM_D[1]) * q + ACKLAM_D[2]) * q + ACKLAM_D[3]) *
        q +
        1)
    );
  }
  if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    return (
      ((((((ACKLAM_A[0] * r + ACKLAM_A[1]) * r + ACKLAM_A[2]) * r +
        ACKLAM_A[3]) *
        r +
        ACKLAM_A[4]) *
        r +
        ACKLAM_A[5]) *
        q) /
      (((((ACKLAM_B[0] * r + ACKLAM_B[1]) * r + ACKLAM_B[2]) * r +
        ACKLAM_B[3]) *
        r +
        ACKLAM_B[4]) *
        r +
        1)
    );
  }
  return -acklam(1 - p);
}

/** Standard normal quantile Φ⁻¹(p), 0 < p < 1. */
export function normalPpf(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalPpf(1 - p);
  let x = acklam(p);
  for (let i = 0; i < 3; i++) {
    const e = normalCdf(x) - p;
    const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
    const next = x - u / (1 + 0.5 * x * u);
    if (!Number.isFinite(next)) break;
    const done = Math.abs(next - x) <= 1e-15 * Math.abs(next);
    x = next;
    if (done) break;
  }
  return x;
}

// -------------------------------------------------------------- Student t

/** Density of Student's t with `df` degrees of freedom. */
export function studentTPdf(t: number, df: number): number {
  if (df === Infinity) return normalPdf(t);
  const logC =
    logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Upper tail P(T > t) of Student's t with `df` > 0 degrees of freedom. */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTSf needs df > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (df === Infinity) return normalSf(t);
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const t2 = t * t;
  // x = df/(df+t²) and 1−x = t²/(df+t²), each computed without cancellation
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const tail = 0.5 * regularizedBeta(x, df / 2, 0.5, y);
  return t >= 0 ? tail : 1 - tail;
}

/** CDF P(T ≤ t) of Student's t with `df` > 0 degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

/**
 * Inverse upper tail: the t with P(T > t) = q. Safeguarded Newton iteration from
 * the Cornish–Fisher expansion around the normal quantile (A&S 26.7.5).
 */
export function studentTIsf(q: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTIsf needs df > 0, got ${df}`);
  if (!(q >= 0 && q <= 1)) return NaN;
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  if (q > 0.5) return -studentTIsf(1 - q, df);
  if (q === 0.5) return 0;
  const z = -normalPpf(q);
  if (df === Infinity) return z;

  const z3 = z * z * z;
  const z5 = z3 * z * z;
  let t = z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);

  // Bracket: sf(lo) ≥ q ≥ sf(hi), with lo = 0 (sf = ½).
  let lo = 0;
  let hi = Math.max(t, z, 1);
  while (studentTSf(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);

  for (let i = 0; i < 200; i++) {
    const diff = studentTSf(t, df) - q; // decreasing in t
    if (diff === 0) return t;
    if (diff > 0) lo = t;
    else hi = t;
    const pdf = studentTPdf(t, df);
    let next = t + diff / pdf;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      next = 0.5 * (lo + hi);
    }
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next) || hi - lo <= 1e-15 * hi) {
      return next;
    }
    t = next;
  }
  return t;
}

/** Quantile of Student's t: the t with P(T ≤ t) = p. */
export function studentTPpf(p: number, df: number): number {
  return studentTIsf(1 - p, df);
}

// ------------------------------------------------------------- chi-square

/** Upper tail P(X > x) of the chi-square distribution with `df` degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chiSquareSf needs df > 0, got ${df}`);
  if (Number.isNaN(x)) return NaN;
  return regularizedGammaQ(df / 2, x / 2);
}
