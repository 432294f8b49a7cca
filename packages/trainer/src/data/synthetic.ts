import { seededRandom } from '../evaluation/random';
import { Interaction } from './interactions';

/**
 * Deterministic interactions following docs/demo-data.md's generative model: a catalogue of categories cut
 * into taste segments of about 12 products, Zipf popularity (1 / rank^1.1) over a shuffled order, users with
 * a Dirichlet-like category preference and one segment per category, sessions that view mostly the user's
 * segment (0.9) and otherwise explore the category, and the view -> click -> cart -> purchase funnel.
 */
export interface SyntheticOptions {
  /** stop once this many interactions exist (the last user's events are cut) */
  interactions: number;
  categories?: number;
  productsPerCategory?: number;
  days?: number;
  seed?: number;
}

const WEIGHTS: Record<string, number> = { view: 1, click: 2, cart: 4, purchase: 8 };
const DAY = 86_400_000;

export function syntheticInteractions(options: SyntheticOptions): Interaction[] {
  const { interactions, categories = 6, productsPerCategory = 50, days = 14, seed = 1 } = options;
  const random = seededRandom(seed);
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(random(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        const u1 = random() || 1e-12;
        x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      if (Math.log(random() || 1e-12) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const poisson = (lambda: number): number => {
    let k = 0;
    let p = Math.exp(-lambda);
    let s = p;
    const u = random();
    while (u > s && k < 1000) {
      k++;
      p *= lambda / k;
      s += p;
    }
    return k;
  };
  const pick = (weights: readonly number[]): number => {
    let total = 0;
    for (const w of weights) total += w;
    let u = random() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u <= 0) return i;
    }
    return weights.length - 1;
  };

  // catalogue: ids by category, a shuffled popularity order, segments of ~12 consecutive products per category
  const products = Array.from({ length: categories * productsPerCategory }, (_, i) => `p-${String(i).padStart(4, '0')}`);
  const order = products.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const zipf = new Array<number>(products.length);
  order.forEach((product, rank) => (zipf[product] = 1 / Math.pow(rank + 1, 1.1)));
  const segmentsPerCategory = Math.max(1, Math.round(productsPerCategory / 12));
  const byCategory = Array.from({ length: categories }, (_, c) =>
    order.filter(p => Math.floor(p / productsPerCategory) === c),
  );
  const segments = byCategory.map(items =>
    Array.from({ length: segmentsPerCategory }, (_, s) =>
      items.slice(Math.floor((s * items.length) / segmentsPerCategory), Math.floor(((s + 1) * items.length) / segmentsPerCategory)),
    ),
  );

  const end = Date.UTC(2026, 10, 30);
  const rows: Interaction[] = [];
  for (let n = 0; rows.length < interactions; n++) {
    const userId = `demo-user-${n}`;
    const primary = Math.floor(random() * categories);
    const secondary = random() < 0.5 ? Math.floor(random() * categories) : -1;
    const preference = Array.from({ length: categories }, (_, c) => {
      if (c === primary) return 3 + gamma(0.3);
      if (c === secondary) return 1 + gamma(0.3);
      return gamma(0.3);
    });
    const taste = segments.map(s => s[Math.floor(random() * s.length)]);
    const activity = gamma(2) / 2;
    const sessions = poisson(1.2 * days * activity);
    for (let s = 0; s < sessions; s++) {
      const category = pick(preference);
      let ts = end - Math.floor(random() * days) * DAY - Math.floor(random() * DAY);
      const views = 1 + Math.floor(Math.log(random() || 1e-12) / Math.log(5 / 6));
      const carted = new Set<number>();
      for (let v = 0; v < views; v++) {
        const inSegment = random() < 0.9;
        const pool = inSegment ? taste[category] : byCategory[category];
        const product = pool[pick(pool.map(p => zipf[p]))];
        ts += 30_000 + Math.floor(random() * 90_000);
        rows.push({ userId, itemId: products[product], ts, type: 'view', weight: WEIGHTS.view });
        if (random() < (inSegment ? 0.35 : 0.1)) {
          rows.push({ userId, itemId: products[product], ts, type: 'click', weight: WEIGHTS.click });
          if (!carted.has(product) && random() < 0.3) {
            carted.add(product);
            rows.push({ userId, itemId: products[product], ts, type: 'cart', weight: WEIGHTS.cart });
          }
        }
      }
      for (const product of carted) {
        if (random() < 0.45) rows.push({ userId, itemId: products[product], ts: ts + 1000, type: 'purchase', weight: 8 });
      }
    }
  }
  return rows.slice(0, interactions).sort((a, b) => a.ts - b.ts || a.userId.localeCompare(b.userId));
}
