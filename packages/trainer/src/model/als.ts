import { tf } from './tf';
import { seededRandom } from '../evaluation/random';

export interface AlsOptions {
  factors: number;
  /** L2 regularisation of every factor row */
  regularization: number;
  /** confidence c = 1 + alpha * log(1 + strength) for an observed pair, 1 for an unobserved one */
  alpha: number;
  seed: number;
}

export const DEFAULT_ALS: AlsOptions = { factors: 32, regularization: 0.1, alpha: 10, seed: 1 };

/** Factor matrices, row-major: users x factors and items x factors; a score is the dot product. */
export interface Factors {
  factors: number;
  users: Float32Array;
  items: Float32Array;
}

/**
 * Implicit ALS (Hu, Koren, Volinsky 2008): each half-step solves every user's (then every item's) factors in
 * closed form, x_u = (YᵀY + Yᵀ(C_u - I)Y + λI)⁻¹ YᵀC_u p_u. The Gram matrices and right-hand sides of a batch
 * are tf ops (the costly part, B x I x k); the k x k systems are solved by Cholesky in float64 (tfjs has no
 * linear solver).
 */
export class ImplicitAls {
  private readonly userCount: number;
  /** confidence - 1 (0 where unobserved), users x items, and its transpose */
  private readonly extraConfidence: tf.Tensor2D;
  private readonly extraConfidenceT: tf.Tensor2D;
  private readonly confidenceTimesPreference: tf.Tensor2D;
  private readonly confidenceTimesPreferenceT: tf.Tensor2D;
  private userFactors: tf.Tensor2D;
  private itemFactors: tf.Tensor2D;

  constructor(train: readonly ReadonlyMap<number, number>[], itemCount: number, private readonly options: AlsOptions) {
    this.userCount = train.length;
    const extra = new Float32Array(this.userCount * itemCount);
    const target = new Float32Array(this.userCount * itemCount);
    train.forEach((items, u) => {
      for (const [item, strength] of items) {
        const confidence = 1 + options.alpha * Math.log1p(strength);
        extra[u * itemCount + item] = confidence - 1;
        target[u * itemCount + item] = confidence;
      }
    });
    this.extraConfidence = tf.tensor2d(extra, [this.userCount, itemCount]);
    this.extraConfidenceT = this.extraConfidence.transpose();
    this.confidenceTimesPreference = tf.tensor2d(target, [this.userCount, itemCount]);
    this.confidenceTimesPreferenceT = this.confidenceTimesPreference.transpose();
    const random = seededRandom(options.seed);
    const init = (rows: number) =>
      tf.tensor2d(Float32Array.from({ length: rows * options.factors }, () => (random() - 0.5) * 0.02), [rows, options.factors]);
    this.userFactors = init(this.userCount);
    this.itemFactors = init(itemCount);
  }

  /** One epoch: users given items, then items given users. */
  epoch(): void {
    const users = this.solve(this.itemFactors, this.extraConfidence, this.confidenceTimesPreference);
    this.userFactors.dispose();
    this.userFactors = users;
    const items = this.solve(this.userFactors, this.extraConfidenceT, this.confidenceTimesPreferenceT);
    this.itemFactors.dispose();
    this.itemFactors = items;
  }

  factors(): Factors {
    return {
      factors: this.options.factors,
      users: this.userFactors.dataSync() as Float32Array,
      items: this.itemFactors.dataSync() as Float32Array,
    };
  }

  dispose(): void {
    tf.dispose([this.extraConfidence, this.extraConfidenceT, this.confidenceTimesPreference, this.confidenceTimesPreferenceT]);
    tf.dispose([this.userFactors, this.itemFactors]);
  }

  private solve(fixed: tf.Tensor2D, extra: tf.Tensor2D, target: tf.Tensor2D): tf.Tensor2D {
    const k = this.options.factors;
    const rows = extra.shape[0];
    const columns = extra.shape[1];
    const batch = Math.max(1, Math.floor(8_000_000 / (columns * k)));
    const out = new Float32Array(rows * k);
    const gram = tf.tidy(() => tf.matMul(fixed, fixed, true, false).dataSync());
    for (let start = 0; start < rows; start += batch) {
      const size = Math.min(batch, rows - start);
      const [systems, rhs] = tf.tidy(() => {
        const w = extra.slice([start, 0], [size, columns]);
        const weighted = tf.mul(w.expandDims(2), fixed.expandDims(0)); // B x I x k
        const a = tf.matMul(weighted, tf.broadcastTo(fixed.expandDims(0), [size, columns, k]), true, false); // B x k x k
        const b = tf.matMul(target.slice([start, 0], [size, columns]), fixed); // B x k
        return [a.dataSync(), b.dataSync()];
      });
      for (let r = 0; r < size; r++) {
        const matrix = new Float64Array(k * k);
        for (let i = 0; i < k * k; i++) matrix[i] = gram[i] + systems[r * k * k + i];
        for (let i = 0; i < k; i++) matrix[i * k + i] += this.options.regularization;
        const x = choleskySolve(matrix, Float64Array.from(rhs.subarray(r * k, (r + 1) * k)), k);
        for (let i = 0; i < k; i++) out[(start + r) * k + i] = x[i];
      }
    }
    return tf.tensor2d(out, [rows, k]);
  }
}

/** Solves A x = b for a symmetric positive definite k x k A (row-major, overwritten). */
export function choleskySolve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j];
    for (let m = 0; m < j; m++) d -= a[j * k + m] * a[j * k + m];
    const ljj = Math.sqrt(Math.max(d, 1e-12));
    a[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j];
      for (let m = 0; m < j; m++) s -= a[i * k + m] * a[j * k + m];
      a[i * k + j] = s / ljj;
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let m = 0; m < i; m++) s -= a[i * k + m] * y[m];
    y[i] = s / a[i * k + i];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let m = i + 1; m < k; m++) s -= a[m * k + i] * x[m];
    x[i] = s / a[i * k + i];
  }
  return x;
}

/** Scores of a batch of users against every item: U[users] Vᵀ, row-major. */
export function factorScorer(f: Factors, itemCount: number) {
  const items = tf.tensor2d(f.items, [itemCount, f.factors]);
  return (users: number[]): Float32Array =>
    tf.tidy(() => {
      const rows = new Float32Array(users.length * f.factors);
      users.forEach((u, r) => rows.set(f.users.subarray(u * f.factors, (u + 1) * f.factors), r * f.factors));
      return tf.matMul(tf.tensor2d(rows, [users.length, f.factors]), items, false, true).dataSync() as Float32Array;
    });
}
