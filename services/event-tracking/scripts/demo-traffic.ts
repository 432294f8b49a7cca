/**
 * Demo traffic: realistic interactions of demo users with the real product catalogue, sent through
 * `POST /events` of a running event-tracking-service, so that the topics, the lake (several `dt` partitions)
 * and the offline feature job have history, and a recommender has something to learn.
 *
 *   yarn workspace @platform/event-tracking-service demo-traffic [--users 200] [--days 14] [--seed 1] [--force] [--dry-run]
 *
 * Env: EVENT_TRACKING_URL (http://127.0.0.1:3004), PRODUCT_SERVICE_URL (http://127.0.0.1:3002),
 * SERVICE_JWT_PRIVATE_KEY (else `.state/keys/jwt-ed25519.pem`), JWT_ISSUER / JWT_AUDIENCE (user-service / platform).
 * Events are posted in batches of 500 with a service token (role `service`, which may post for any userId).
 * A marker `.state/demo/traffic.json` is written once every batch was answered 202; while it exists a second
 * run sends nothing (`--force` sends anyway). `--dry-run` generates and prints the figures without sending.
 *
 * The generative model (also in docs/demo-data.md); every draw comes from one PRNG seeded with `--seed`:
 * - Catalogue: the products of `GET /products`, grouped by category, each category ordered by id. Within a
 *   category the products get a popularity rank (a seeded shuffle) with Zipf weights 1/rank^1.1, and are cut
 *   into taste segments of about 12 products (consecutive in that shuffled order).
 * - Users: `demo-user-<n>`, userId = UUID v5 of that name (same users on every run). They are not registered
 *   accounts of user-service; only the events know them. Each user has a Dirichlet-like preference over the
 *   categories: a primary category (weight 3 + Gamma(0.3)), with probability 0.5 a secondary one
 *   (1 + Gamma(0.3)), and Gamma(0.3) for every other category, normalised. For each category the user picks
 *   one taste segment (seeded). An activity level Gamma(2)/2 scales the number of sessions.
 * - Sessions: Poisson(1.2 x days x activity) per user, at a uniform day of the span and an hour from a
 *   diurnal profile (evenings peak). A session picks one category from the user's preference and browses it:
 *   1 + Geometric(mean 5) product views, 30-120 s apart. Each view is, with probability 0.9, a product of the
 *   user's segment of that category (Zipf within the segment), otherwise any product of the category (Zipf
 *   over the category: exploration, where popularity rules).
 * - Funnel per viewed product: view -> click 0.35 for a product of the user's segment (0.10 otherwise),
 *   click -> cart 0.30, cart -> purchase 0.45 at the end of the session (one order per session holding every
 *   product carted in it that converts).
 * - So about 90% of a user's interactions, and more of the clicks, carts and purchases, fall on the ~12-24
 *   products of one or two segments: co-occurrence between users of a segment is what a collaborative
 *   filter learns, and popularity (the heads of the Zipf curves) does not.
 * - Timestamps: the span is the last `--days` days before the current hour; eventIds are UUID v5 of
 *   (seed, end of span, user, session, index), so a `--force` re-run within the same hour resends the same
 *   events (consumers de-duplicate by eventId) and a later one adds new traffic.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createJwtIssuer } from '@platform/service-kit';
import { findRepoRoot, stateRoot } from '@platform/local-infra';

const BATCH_SIZE = 500;
const CONCURRENCY = 4;
const SEGMENT_SIZE = 12;
const IN_SEGMENT = 0.9;
const CLICK_IN_SEGMENT = 0.35;
const CLICK_EXPLORING = 0.1;
const CART_RATE = 0.3;
const PURCHASE_RATE = 0.45;
const SESSIONS_PER_DAY = 1.2;
const MEAN_EXTRA_VIEWS = 5;
const DAY_MS = 86_400_000;
/** relative session start weight of each UTC hour: quiet nights, a lunch bump, busy evenings */
const DIURNAL = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3, 3, 3.5, 4, 3.5, 3, 3, 3.5, 4, 5, 6, 6,
  5, 3.5, 2,
];
/** namespace of the demo users' UUID v5 (a fixed, random UUID) */
const DEMO_NAMESPACE = '6f1c2b7e-4d3a-4e8f-9b21-7c5d0a3e9f14';

interface Args {
  users: number;
  days: number;
  seed: number;
  force: boolean;
  dryRun: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    users: 200,
    days: 14,
    seed: 1,
    force: false,
    dryRun: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (name === '--force') args.force = true;
    else if (name === '--dry-run') args.dryRun = true;
    else if (name === '--users' || name === '--days' || name === '--seed') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < (name === '--seed' ? 0 : 1))
        throw new Error(`${name} needs a positive integer`);
      args[name.slice(2) as 'users' | 'days' | 'seed'] = value;
    } else throw new Error(`unknown argument ${name}`);
  }
  return args;
}

/** UUID v5 (RFC 9562): SHA-1 of namespace and name, version and variant bits set. */
export function uuidV5(name: string, namespace = DEMO_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name)
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
    12,
    16,
  )}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The seeded PRNG and the distributions the model draws from. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed ^ 0x9e3779b9;
  }

  /** mulberry32: uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Marsaglia-Tsang; shape < 1 through the u^(1/shape) boost */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * this.next() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v = (1 + c * x) ** 3;
      if (
        v > 0 &&
        Math.log(1 - this.next()) < 0.5 * x * x + d - d * v + d * Math.log(v)
      )
        return d * v;
    }
  }

  poisson(mean: number): number {
    // Knuth is fine for the small means used here
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }

  geometric(mean: number): number {
    return Math.floor(Math.log(1 - this.next()) / Math.log(mean / (mean + 1)));
  }

  /** an index drawn with the given (unnormalised) weights */
  weighted(weights: number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  shuffle<T>(items: T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }
}

interface Product {
  id: string;
  category: string;
  price: number;
}

interface Category {
  name: string;
  /** in popularity order (rank 1 first) */
  products: Product[];
  zipf: number[];
  segments: Product[][];
}

const zipfWeights = (n: number) =>
  Array.from({ length: n }, (_, i) => 1 / (i + 1) ** 1.1);

async function fetchProducts(baseUrl: string): Promise<Product[]> {
  const products: Product[] = [];
  let cursor: string | null = null;
  do {
    const url = new URL('/products', baseUrl);
    url.searchParams.set('limit', '100');
    if (cursor) url.searchParams.set('cursor', cursor);
    const response = await fetch(url);
    if (!response.ok)
      throw new Error(
        `GET ${url} answered ${response.status}: ${await response.text()}`,
      );
    const page = (await response.json()) as {
      items: Product[];
      nextCursor: string | null;
    };
    products.push(
      ...page.items.map(({ id, category, price }) => ({ id, category, price })),
    );
    cursor = page.nextCursor;
  } while (cursor);
  return products;
}

function buildCatalogue(products: Product[], random: Random): Category[] {
  const byCategory = new Map<string, Product[]>();
  for (const product of products) {
    byCategory.set(product.category, [
      ...(byCategory.get(product.category) ?? []),
      product,
    ]);
  }
  return [...byCategory.keys()].sort().map(name => {
    const ordered = random.shuffle(
      byCategory.get(name)!.sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    const count = Math.max(1, Math.round(ordered.length / SEGMENT_SIZE));
    const size = Math.ceil(ordered.length / count);
    const segments = Array.from({ length: count }, (_, s) =>
      ordered.slice(s * size, (s + 1) * size),
    ).filter(segment => segment.length > 0);
    return {
      name,
      products: ordered,
      zipf: zipfWeights(ordered.length),
      segments,
    };
  });
}

interface DemoUser {
  userId: string;
  preference: number[];
  /** per category, the index of the user's taste segment */
  segment: number[];
  activity: number;
}

function buildUsers(
  count: number,
  categories: Category[],
  random: Random,
): DemoUser[] {
  return Array.from({ length: count }, (_, n) => {
    const primary = random.int(categories.length);
    const secondary = random.next() < 0.5 ? random.int(categories.length) : -1;
    const raw = categories.map(
      (_c, c) =>
        random.gamma(0.3) +
        (c === primary ? 3 : 0) +
        (c === secondary && c !== primary ? 1 : 0),
    );
    const total = raw.reduce((a, b) => a + b, 0);
    return {
      userId: uuidV5(`demo-user-${n}`),
      preference: raw.map(w => w / total),
      segment: categories.map(c => random.int(c.segments.length)),
      activity: random.gamma(2) / 2,
    };
  });
}

interface DemoEvent {
  eventId: string;
  userId: string;
  sessionId: string;
  type: 'view' | 'click' | 'cart' | 'purchase';
  productId: string;
  ts: string;
  meta: Record<string, string | number | boolean>;
}

function generate(
  args: Args,
  categories: Category[],
  random: Random,
  end: number,
) {
  const users = buildUsers(args.users, categories, random);
  const start = end - args.days * DAY_MS;
  const events: DemoEvent[] = [];
  let sessions = 0;
  for (const [u, user] of users.entries()) {
    const count = random.poisson(SESSIONS_PER_DAY * args.days * user.activity);
    for (let s = 0; s < count; s++) {
      sessions++;
      const sessionKey = `${args.seed}/${end}/${u}/${s}`;
      const sessionId = `demo-${createHash('sha1')
        .update(sessionKey)
        .digest('hex')
        .slice(0, 16)}`;
      const day = random.int(args.days);
      let t =
        start +
        day * DAY_MS +
        random.weighted(DIURNAL) * 3_600_000 +
        random.int(3_600_000);
      const c = random.weighted(user.preference);
      const category = categories[c];
      const segment = category.segments[user.segment[c]];
      const segmentZipf = zipfWeights(segment.length);
      const carted: Product[] = [];
      let index = 0;
      const emit = (
        type: DemoEvent['type'],
        product: Product,
        meta: DemoEvent['meta'],
      ) => {
        if (t >= end) return;
        events.push({
          eventId: uuidV5(`${sessionKey}/${index++}`),
          userId: user.userId,
          sessionId,
          type,
          productId: product.id,
          ts: new Date(t).toISOString(),
          meta: { source: 'demo-traffic', ...meta },
        });
      };
      const views = 1 + random.geometric(MEAN_EXTRA_VIEWS);
      for (let v = 0; v < views; v++) {
        const inSegment = random.next() < IN_SEGMENT;
        const product = inSegment
          ? segment[random.weighted(segmentZipf)]
          : category.products[random.weighted(category.zipf)];
        const position = random.int(20);
        emit('view', product, { position, surface: 'browse' });
        t += 2_000 + random.int(8_000);
        if (random.next() < (inSegment ? CLICK_IN_SEGMENT : CLICK_EXPLORING)) {
          emit('click', product, { position, surface: 'browse' });
          t += 5_000 + random.int(20_000);
          if (random.next() < CART_RATE && !carted.includes(product)) {
            carted.push(product);
            emit('cart', product, { quantity: 1 });
          }
        }
        t += 30_000 + random.int(90_000);
      }
      for (const product of carted) {
        if (random.next() < PURCHASE_RATE)
          emit('purchase', product, { quantity: 1, price: product.price });
      }
    }
  }
  events.sort((a, b) => a.ts.localeCompare(b.ts));
  return { events, sessions, users };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Posts one batch until it is answered 202; 503 (Kafka unavailable) is retried with the same eventIds. */
async function postBatch(url: string, token: string, events: DemoEvent[]) {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${url}/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ events }),
    });
    if (response.status === 202) return;
    const body = await response.text();
    if (response.status !== 503 || attempt >= 10)
      throw new Error(
        `POST /events answered ${response.status}: ${body.slice(0, 500)}`,
      );
    await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = findRepoRoot();
  const marker = path.join(stateRoot(root), 'demo', 'traffic.json');
  if (fs.existsSync(marker) && !args.force && !args.dryRun) {
    console.log(
      `demo traffic already sent (${marker}); --force sends it again`,
    );
    return;
  }
  const eventsUrl = process.env.EVENT_TRACKING_URL ?? 'http://127.0.0.1:3004';
  const productsUrl =
    process.env.PRODUCT_SERVICE_URL ?? 'http://127.0.0.1:3002';
  const began = Date.now();

  const random = new Random(args.seed);
  const products = await fetchProducts(productsUrl);
  if (products.length === 0)
    throw new Error(
      `${productsUrl} lists no products: seed the catalogue first`,
    );
  const categories = buildCatalogue(products, random);
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const { events, sessions } = generate(args, categories, random, end);

  if (!args.dryRun) {
    const privateKeyPem =
      process.env.SERVICE_JWT_PRIVATE_KEY ??
      fs.readFileSync(
        path.join(stateRoot(root), 'keys', 'jwt-ed25519.pem'),
        'utf8',
      );
    const issuer = await createJwtIssuer({
      privateKeyPem,
      issuer: process.env.JWT_ISSUER ?? 'user-service',
      audience: process.env.JWT_AUDIENCE ?? 'platform',
      ttlSeconds: 900,
    });
    const token = await issuer.sign({
      sub: 'demo-traffic',
      roles: ['service'],
    });
    const batches: DemoEvent[][] = [];
    for (let i = 0; i < events.length; i += BATCH_SIZE)
      batches.push(events.slice(i, i + BATCH_SIZE));
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batches.length)
          await postBatch(eventsUrl, token, batches[next++]);
      }),
    );
  }

  const byType: Record<string, number> = {
    view: 0,
    click: 0,
    cart: 0,
    purchase: 0,
  };
  for (const event of events) byType[event.type]++;
  const dates = new Set(events.map(event => event.ts.slice(0, 10)));
  const figures = {
    sent: args.dryRun ? 0 : events.length,
    events: events.length,
    byType,
    users: new Set(events.map(event => event.userId)).size,
    sessions,
    products: products.length,
    categories: categories.length,
    from: events[0]?.ts,
    to: events[events.length - 1]?.ts,
    days: dates.size,
    seed: args.seed,
    seconds: Math.round((Date.now() - began) / 100) / 10,
  };
  console.log(JSON.stringify(figures, null, 2));
  if (!args.dryRun) {
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(
      marker,
      JSON.stringify(
        {
          ...figures,
          eventTrackingUrl: eventsUrl,
          sentAt: new Date().toISOString(),
        },
        null,
        2,
      ),
    );
  }
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
