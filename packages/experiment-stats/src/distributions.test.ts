/*
 * Spot values of the distribution functions. Expected numbers are scipy 1.18.1's
 * (scipy.stats.norm / t / chi2, printed with repr()), except the closed forms
 * noted inline.
 */
import {
  chiSquareSf,
  logGamma,
  normalCdf,
  normalPpf,
  normalSf,
  regularizedBeta,
  studentTCdf,
  studentTIsf,
  studentTPpf,
  studentTSf,
} from './distributions';

function rel(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('special functions', () => {
  it('log Γ matches closed forms', () => {
    expect(logGamma(1)).toBe(0);
    expect(rel(logGamma(5), Math.log(24))).toBeLessThan(1e-14);
    expect(rel(logGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-15);
    expect(rel(logGamma(10.5), Math.log(1133278.3889487856))).toBeLessThan(
      1e-13,
    ); // Γ(10.5) = 654729075·√π / 1024
  });

  it('I_x(1, 1) = x and I_x(a, b) + I_{1−x}(b, a) = 1', () => {
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(
      regularizedBeta(0.7, 2.5, 4) + regularizedBeta(0.3, 4, 2.5),
    ).toBeCloseTo(1, 14);
  });
});

describe('normal', () => {
  it.each([
    [-1.3, 0.09680048458561036],
    [0, 0.5],
    [1.959963984540054, 0.975],
    [-8.5, 9.47953482220325e-18],
  ])('Φ(%p) = %p', (z, p) => {
    expect(rel(normalCdf(z), p)).toBeLessThan(1e-13);
  });

  it('keeps the upper tail', () => {
    expect(rel(normalSf(8.5), 9.47953482220325e-18)).toBeLessThan(1e-13);
  });

  it.each([
    [0.975, 1.959963984540054],
    [1e-10, -6.361340902404056],
    [0.95, 1.6448536269514722],
  ])('Φ⁻¹(%p) = %p', (p, z) => {
    expect(rel(normalPpf(p), z)).toBeLessThan(1e-13);
  });

  it('Φ⁻¹(½) = 0', () => {
    expect(normalPpf(0.5)).toBe(0);
  });
});

describe("Student's t", () => {
  it.each([
    [2.1, 11.55, 0.029212393915223338],
    [21.9, 1191257.13, 1.3634009315355755e-106],
    [-0.7, 3, 0.7328365008476182],
  ])('P(T > %p | df %p) = %p', (t, df, p) => {
    expect(rel(studentTSf(t, df), p)).toBeLessThan(1e-8);
  });

  it('is symmetric', () => {
    expect(studentTCdf(-1.7, 9) + studentTCdf(1.7, 9)).toBeCloseTo(1, 14);
  });

  it.each([
    [0.025, 11.55, 2.188265127822469],
    [0.025, 1.2, 8.648826510748872],
    [0.025, 99534.47, 1.9599878184901176],
  ])('isf(%p | df %p) = %p', (q, df, t) => {
    expect(rel(studentTIsf(q, df), t)).toBeLessThan(1e-9);
    expect(rel(studentTPpf(1 - q, df), t)).toBeLessThan(1e-9);
  });

  it('has the Cauchy quantile at df = 1', () => {
    // t(1) is Cauchy: isf(q) = tan(π(½ − q))
    expect(rel(studentTIsf(0.05, 1), Math.tan(Math.PI * 0.45))).toBeLessThan(
      1e-10,
    );
  });
});

describe('chi-square', () => {
  it.each([
    [17.4757, 1, 2.910035208897784e-5],
    [0.4255, 2, 0.8083582015077766],
    [490.6, 2, 2.93469916935638e-107],
  ])('P(X > %p | df %p) = %p', (x, df, p) => {
    expect(rel(chiSquareSf(x, df), p)).toBeLessThan(1e-12);
  });

  it('is exp(−x/2) at df = 2', () => {
    expect(rel(chiSquareSf(7, 2), Math.exp(-3.5))).toBeLessThan(1e-14);
  });
});
