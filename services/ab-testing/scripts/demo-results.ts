/**
 * Demo results for the experiment `recommendation-ranking` (yarn seed): demo users see recommendations under
 * the variant the A/B service decides for them, and click, cart and buy, through `POST /events` of a running
 * event-tracking-service. The results ingestion of ab-testing-service reads them from the topics, so
 * `GET /experiments/recommendation-ranking/results` and the portal show real numbers.
 *
 *   yarn workspace @platform/ab-testing-service demo-results [--users 400] [--days 7] [--seed 1] [--force] [--dry-run]
 *
 * Env: EVENT_TRACKING_URL (http://127.0.0.1:3004), AB_TESTING_URL (http://127.0.0.1:3011), PRODUCT_SERVICE_URL
 * (http://127.0.0.1:3002), SERVICE_JWT_PRIVATE_KEY (else `.state/keys/jwt-ed25519.pem`), JWT_ISSUER / JWT_AUDIENCE.
 * The users are the demo traffic's (`demo-user-<n>`, the same UUID v5 ids as services/event-tracking's demo
 * traffic); each is decided once through `GET /experiments/{key}/decision` (so the assignment is persisted and
 * sticky), then gets 1-3 sessions a day on a few of the days, each with 3-8 recommendation views (meta.surface
 * `recommendations`, the exposures). A view is clicked with probability 0.12 under control and 0.135 under
 * treatment (the challenger is a little better), a click carted with 0.3, a cart bought with 0.45 at the product's
 * price. Event ids are UUID v5 of (seed, hour of the run, user, index): a re-run within the hour resends the same
 * events, which the services count once. A marker `.state/demo/ab-results.json` makes a second run send nothing
 * (`--force` sends anyway).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createJwtIssuer } from '@platform/service-kit';
import { findRepoRoot, stateRoot } from '@platform/local-infra';
import { uuidV5 } from '@platform/event-tracking-service/scripts/demo-traffic';

const EXPERIMENT = 'recommendation-ranking';
const CLICK_RATE: Record<string, number> = { control: 0.12, treatment: 0.135 };
const CART_RATE = 0.3;
const PURCHASE_RATE = 0.45;
const BATCH_SIZE = 500;
const DAY_MS = 86_400_000;

interface Args {
  users: number;
  days: number;
  seed: number;
  force: boolean;
  dryRun: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { users: 400, days: 7, seed: 1, force: false, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (name === '--force') args.force = true;
    else if (name === '--dry-run') args.dryRun = true;
    else if (name === '--users' || name === '--days' || name === '--seed') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < (name === '--seed' ? 0 : 1)) throw new Error(`${name} needs a positive integer`);
      args[name.slice(2) as 'users' | 'days' | 'seed'] = value;
    } else throw new Error(`unknown argument ${name}`);
  }
  return args;
}

/** mulberry32, uniform in [0, 1) */
function prng(seed: number) {
  let state = seed ^ 0x5bd1e995;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as T;
}

async function postBatch(url: string, token: string, events: unknown[]) {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ events }),
    });
    if (response.status === 202) return;
    const body = await response.text();
    if (response.status !== 503 || attempt >= 10) throw new Error(`POST /events answered ${response.status}: ${body.slice(0, 500)}`);
    await new Promise(resolve => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = findRepoRoot();
  const marker = path.join(stateRoot(root), 'demo', 'ab-results.json');
  if (fs.existsSync(marker) && !args.force && !args.dryRun) {
    console.log(`demo results already sent (${marker}); --force sends them again`);
    return;
  }
  const eventsUrl = process.env.EVENT_TRACKING_URL ?? 'http://127.0.0.1:3004';
  const abUrl = process.env.AB_TESTING_URL ?? 'http://127.0.0.1:3011';
  const productsUrl = process.env.PRODUCT_SERVICE_URL ?? 'http://127.0.0.1:3002';
  const privateKeyPem =
    process.env.SERVICE_JWT_PRIVATE_KEY ?? fs.readFileSync(path.join(stateRoot(root), 'keys', 'jwt-ed25519.pem'), 'utf8');
  const issuer = await createJwtIssuer({
    privateKeyPem,
    issuer: process.env.JWT_ISSUER ?? 'user-service',
    audience: process.env.JWT_AUDIENCE ?? 'platform',
    ttlSeconds: 900,
  });
  const token = await issuer.sign({ sub: 'demo-results', roles: ['service'] });
  const auth = { authorization: `Bearer ${token}` };

  const experiment = await json<{ status: string; variants: Array<{ name: string; weight: number }> }>(
    `${abUrl}/experiments/${EXPERIMENT}`,
    { headers: auth },
  );
  if (experiment.status !== 'running') throw new Error(`${EXPERIMENT} is ${experiment.status}; demo results need it running (yarn seed)`);
  const page = await json<{ items: Array<{ id: string; price: number }> }>(`${productsUrl}/products?limit=100`);
  if (!page.items.length) throw new Error(`${productsUrl} lists no products: seed the catalogue first`);

  const random = prng(args.seed);
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const events: Array<Record<string, unknown>> = [];
  const variants: Record<string, number> = {};
  for (let n = 0; n < args.users; n++) {
    const userId = uuidV5(`demo-user-${n}`);
    const decision = await json<{ variant: string }>(`${abUrl}/experiments/${EXPERIMENT}/decision?userId=${userId}`, { headers: auth });
    const variant = decision.variant;
    variants[variant] = (variants[variant] ?? 0) + 1;
    const clickRate = CLICK_RATE[variant] ?? CLICK_RATE.control;
    let index = 0;
    const emit = (type: string, at: number, productId: string, meta: Record<string, string | number>) =>
      events.push({
        eventId: uuidV5(`ab-results/${args.seed}/${end}/${n}/${index++}`),
        userId,
        sessionId: `demo-ab-${n}-${Math.floor(at / DAY_MS)}`,
        type,
        productId,
        ts: new Date(at).toISOString(),
        meta: { source: 'demo-results', surface: 'recommendations', ...meta },
        experiment: { key: EXPERIMENT, variant },
      });
    for (let day = 0; day < args.days; day++) {
      if (random() > 0.5) continue;
      const sessions = 1 + Math.floor(random() * 3);
      for (let s = 0; s < sessions; s++) {
        let at = end - (args.days - day) * DAY_MS + Math.floor(random() * (DAY_MS - 3_600_000));
        const views = 3 + Math.floor(random() * 6);
        for (let v = 0; v < views; v++) {
          const product = page.items[Math.floor(random() * page.items.length)];
          emit('view', at, product.id, { position: v });
          at += 5_000;
          if (random() >= clickRate) continue;
          emit('click', at, product.id, { position: v });
          at += 10_000;
          if (random() >= CART_RATE) continue;
          emit('cart', at, product.id, { quantity: 1 });
          at += 30_000;
          if (random() < PURCHASE_RATE) emit('purchase', at, product.id, { quantity: 1, price: product.price });
          at += 30_000;
        }
      }
    }
  }

  if (!args.dryRun) for (let i = 0; i < events.length; i += BATCH_SIZE) await postBatch(eventsUrl, token, events.slice(i, i + BATCH_SIZE));
  const byType: Record<string, number> = {};
  for (const event of events) byType[event.type as string] = (byType[event.type as string] ?? 0) + 1;
  const figures = { experiment: EXPERIMENT, sent: args.dryRun ? 0 : events.length, byType, usersByVariant: variants, seed: args.seed };
  console.log(JSON.stringify(figures, null, 2));
  if (!args.dryRun) {
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, JSON.stringify({ ...figures, sentAt: new Date().toISOString() }, null, 2));
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
