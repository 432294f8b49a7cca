// Artillery hooks of tools/load/storefront.yml: a pool of signed-in shoppers, the products and search words they pick
// from, and an idempotency key per checkout. The shoppers are registered and signed in through the gateway once per
// run of tools/load/run.sh (`node processor.cjs sign-in > shoppers.json`; the gateway's credentials class allows 20
// logins a minute per address) and read from LOAD_SHOPPERS_FILE by every Artillery worker.
const { randomUUID } = require('node:crypto');

const SHOPPERS = Number(process.env.LOAD_SHOPPERS || 10);
const MIN_STOCK = 20;
const WORDS = [
  'lamp',
  'chair',
  'mug',
  'desk',
  'shoe',
  'book',
  'pen',
  'bag',
  'phone',
  'watch',
];

async function call(target, path, init) {
  const response = await fetch(`${target}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init && init.headers) },
  });
  if (!response.ok)
    throw new Error(
      `${init && init.method ? init.method : 'GET'} ${path}: ${
        response.status
      } ${await response.text()}`,
    );
  return response.json();
}

async function signInShoppers() {
  const target = process.env.LOAD_TARGET;
  const shoppers = [];
  for (let i = 0; i < SHOPPERS; i++) {
    const email = `load-${randomUUID()}@example.com`;
    const password = `pw-${randomUUID()}`;
    const user = await call(target, '/users', {
      method: 'POST',
      body: JSON.stringify({ email, password, name: 'Load Shopper' }),
    });
    const { accessToken } = await call(target, '/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email, password }),
    });
    shoppers.push({ userId: user.id, token: accessToken });
  }
  // every page of the catalogue; the shoppers buy only what has stock for many runs (a sold-out product is a 409)
  const products = [];
  let cursor = null;
  do {
    const page = await call(
      target,
      `/products?limit=100${
        cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
      }`,
    );
    products.push(
      ...page.items.filter(p => p.stock >= MIN_STOCK).map(p => p.id),
    );
    cursor = page.nextCursor;
  } while (cursor);
  if (products.length === 0)
    throw new Error(`no product has a stock of ${MIN_STOCK} or more`);
  return { shoppers, products };
}

let pool;
const loadPool = async () =>
  JSON.parse(
    await require('node:fs/promises').readFile(
      process.env.LOAD_SHOPPERS_FILE,
      'utf8',
    ),
  );

/** the virtual user acts as this shopper, on these products */
function actAs(context, shopper, products) {
  context.vars.token = shopper.token;
  context.vars.userId = shopper.userId;
  context.vars.products = products;
}

async function pickShopper(context) {
  pool ??= loadPool();
  const { shoppers, products } = await pool;
  actAs(context, shoppers[Math.floor(Math.random() * shoppers.length)], products);
}

// A checkout empties the shopper's whole cart: two checkouts of one shopper at once would take each other's items
// (422, empty cart). A checkout flow therefore leases its shopper until it ends; a lease older than 30 s is
// considered ended (a flow that failed midway never returns it).
const leased = new Map();

async function leaseShopper(context) {
  pool ??= loadPool();
  const { shoppers, products } = await pool;
  for (;;) {
    const now = Date.now();
    const free = shoppers.filter(
      s => !(now - (leased.get(s.userId) ?? 0) < 30_000),
    );
    if (free.length > 0) {
      const shopper = free[Math.floor(Math.random() * free.length)];
      leased.set(shopper.userId, now);
      actAs(context, shopper, products);
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

function releaseShopper(context, events, done) {
  leased.delete(context.vars.userId);
  return done();
}

function pickProduct(context, events, done) {
  const products = context.vars.products;
  context.vars.productId =
    products[Math.floor(Math.random() * products.length)];
  return done();
}

function pickQuery(context, events, done) {
  context.vars.query = WORDS[Math.floor(Math.random() * WORDS.length)];
  return done();
}

function newIdempotencyKey(context, events, done) {
  context.vars.idempotencyKey = randomUUID();
  return done();
}

module.exports = {
  pickShopper,
  leaseShopper,
  releaseShopper,
  pickProduct,
  pickQuery,
  newIdempotencyKey,
};

if (require.main === module && process.argv[2] === 'sign-in') {
  signInShoppers().then(
    pool => process.stdout.write(JSON.stringify(pool)),
    error => {
      console.error(
        `signing in the load test's shoppers failed: ${error.message}`,
      );
      process.exit(1);
    },
  );
}
