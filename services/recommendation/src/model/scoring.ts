import type { LoadedModel } from './artifact';

export interface Scored {
  productId: string;
  score: number;
}

/**
 * The K best of `count` candidates by score, best first, skipping those `skip` refuses. A bounded min-heap: one
 * pass, `skip` is asked only for a candidate that would enter the heap, no full sort (O(n log K)).
 */
export class TopK {
  private readonly rows: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.rows = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  /** whether a score could still enter (cheap test before the skip check) */
  admits(score: number): boolean {
    return this.size < this.k || score > this.scores[0];
  }

  /** K entries held: from now on only a score above `lowest` enters */
  get full(): boolean {
    return this.size === this.k;
  }

  /** the lowest score held (the root) */
  get lowest(): number {
    return this.scores[0];
  }

  push(row: number, score: number): void {
    const { rows, scores } = this;
    if (this.size < this.k) {
      // sift up
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (scores[parent] <= score) break;
        rows[i] = rows[parent];
        scores[i] = scores[parent];
        i = parent;
      }
      rows[i] = row;
      scores[i] = score;
      return;
    }
    if (score <= scores[0]) return;
    // replace the root, sift down
    let i = 0;
    const n = this.size;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && scores[right] < scores[left] ? right : left;
      if (scores[child] >= score) break;
      rows[i] = rows[child];
      scores[i] = scores[child];
      i = child;
    }
    rows[i] = row;
    scores[i] = score;
  }

  /** rows and scores, best first (ties by lower row first) */
  drain(): Array<{ row: number; score: number }> {
    const out: Array<{ row: number; score: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ row: this.rows[i], score: this.scores[i] });
    return out.sort((a, b) => b.score - a.score || a.row - b.row);
  }
}

/**
 * The K best of precomputed item scores, best first, without the items `excluded` refuses: the same heap, with the
 * entry threshold kept in a local once the heap is full and tested on four scores at a time (most blocks hold none
 * that could enter: about 30% less CPU than one test per score). The filter is asked only about a score that would
 * enter.
 */
export function selectTop(scores: Float32Array, topK: number, itemIds: string[], excluded: (productId: string) => boolean): Scored[] {
  const heap = new TopK(topK);
  const n = scores.length;
  let i = 0;
  for (; i < n && !heap.full; i++) if (!excluded(itemIds[i])) heap.push(i, scores[i]);
  let lowest = heap.lowest;
  const blocksEnd = n - ((n - i) % 4);
  for (; i < blocksEnd; i += 4) {
    if (scores[i] <= lowest && scores[i + 1] <= lowest && scores[i + 2] <= lowest && scores[i + 3] <= lowest) continue;
    for (let row = i; row < i + 4; row++) {
      const score = scores[row];
      if (score > lowest && !excluded(itemIds[row])) {
        heap.push(row, score);
        lowest = heap.lowest;
      }
    }
  }
  for (; i < n; i++) {
    const score = scores[i];
    if (score > lowest && !excluded(itemIds[i])) {
      heap.push(i, score);
      lowest = heap.lowest;
    }
  }
  return heap.drain().map(({ row, score }) => ({ productId: itemIds[row], score }));
}

/** The user's row of the model's user embeddings (a view, no copy). */
export function userVector(model: LoadedModel, row: number): Float32Array {
  return model.userFactors.subarray(row * model.factors, (row + 1) * model.factors);
}

/**
 * Top-K items for a user vector: score(u, i) = dot(u, item_i) over every item (one 1 x k by k x I product in a
 * tight typed-array loop), then the bounded heap over the items `excluded` does not refuse. The reference the
 * WebAssembly scorer (`DotScorer`) is checked and measured against; requests are scored by `DotScorer`.
 */
export function rankByDot(model: LoadedModel, user: Float32Array, topK: number, excluded: (productId: string) => boolean): Scored[] {
  const { itemFactors, factors: k, items, itemIds } = model;
  const heap = new TopK(topK);
  // float64 copy of the user vector and four accumulators: measured ~1.5x faster than the plain loop in V8
  const u = Float64Array.from(user);
  const unrolled = k - (k % 4);
  for (let i = 0, base = 0; i < items; i++, base += k) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < unrolled; j += 4) {
      s0 += u[j] * itemFactors[base + j];
      s1 += u[j + 1] * itemFactors[base + j + 1];
      s2 += u[j + 2] * itemFactors[base + j + 2];
      s3 += u[j + 3] * itemFactors[base + j + 3];
    }
    for (; j < k; j++) s0 += u[j] * itemFactors[base + j];
    const score = s0 + s1 + s2 + s3;
    if (heap.admits(score) && !excluded(itemIds[i])) heap.push(i, score);
  }
  return heap.drain().map(({ row, score }) => ({ productId: itemIds[row], score }));
}

/**
 * Items most similar to one item by cosine over the item embeddings, without the item itself. An item with a
 * zero vector has no direction: every similarity with it is 0.
 */
export function rankByCosine(model: LoadedModel, itemRow: number, topK: number, excluded: (productId: string) => boolean): Scored[] {
  const { itemFactors, itemNorms, factors: k, items, itemIds } = model;
  const offset = itemRow * k;
  const norm = itemNorms[itemRow];
  const heap = new TopK(topK);
  for (let i = 0, base = 0; i < items; i++, base += k) {
    if (i === itemRow) continue;
    let dot = 0;
    for (let j = 0; j < k; j++) dot += itemFactors[offset + j] * itemFactors[base + j];
    const denominator = norm * itemNorms[i];
    const score = denominator > 0 ? dot / denominator : 0;
    if (heap.admits(score) && !excluded(itemIds[i])) heap.push(i, score);
  }
  return heap.drain().map(({ row, score }) => ({ productId: itemIds[row], score }));
}

/**
 * The model's popularity list (most popular first) without excluded items, first `topK`. Score = 1 - rank / I
 * (rank in the full list): decreasing, in (0, 1], comparable within one response only.
 */
export function rankByPopularity(model: LoadedModel, topK: number, excluded: (productId: string) => boolean): Scored[] {
  const out: Scored[] = [];
  const { popularity, itemIds } = model;
  for (let rank = 0; rank < popularity.length && out.length < topK; rank++) {
    const productId = itemIds[popularity[rank]];
    if (!excluded(productId)) out.push({ productId, score: 1 - rank / popularity.length });
  }
  return out;
}
