/**
 * Keeps contract fuzzing (tools/fuzz/run-contract-fuzz.sh) from leaving its products in the catalogue a newcomer sees
 * after `./idp start`: schemathesis creates products ("0", "£xY"), and its stateful phase may change or delete
 * products it found through GET /products.
 *
 *   tsx tools/fuzz/demo-data.ts snapshot <product base URL> <file>   every product before the run
 *   tsx tools/fuzz/demo-data.ts restore <product base URL> <file>    after it: delete the products the run created,
 *                                                                    PATCH changed ones back, re-create deleted ones
 *
 * Calls go through the product API with an admin token signed by the development key (SERVICE_JWT_PRIVATE_KEY), as
 * plan.ts signs its bootstrap token.
 */
import fs from 'node:fs';
import { createJwtIssuer } from '@platform/service-kit';

interface Product {
  id: string;
  name: string;
  category: string;
  price: number;
  currency: string;
  tags: string[];
  attributes: Record<string, unknown>;
  stock: number;
  updatedAt?: string;
}

/** What PATCH /products/{id} can set: everything but the id and the update time. */
const EDITABLE = ['name', 'category', 'price', 'currency', 'tags', 'attributes', 'stock'] as const;

async function adminToken(): Promise<string> {
  const signingKey = process.env.SERVICE_JWT_PRIVATE_KEY ?? process.env.JWT_PRIVATE_KEY;
  if (!signingKey) throw new Error('SERVICE_JWT_PRIVATE_KEY is not set (processes.sh ensure_dev_keys sets it)');
  const issuer = await createJwtIssuer({
    privateKeyPem: signingKey.replace(/\\n/g, '\n'),
    issuer: process.env.JWT_ISSUER ?? 'user-service',
    audience: process.env.JWT_AUDIENCE ?? 'platform',
    ttlSeconds: 600,
  });
  return issuer.sign({ sub: 'contract-fuzz', roles: ['admin'] });
}

async function call(url: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

/** Every product, page by page (ordered by id). */
async function allProducts(base: string): Promise<Product[]> {
  const products: Product[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await call(`${base}/products?limit=100${query}`);
    if (page.status !== 200) throw new Error(`GET ${base}/products: ${page.status} ${JSON.stringify(page.body)}`);
    products.push(...(page.body!.items as Product[]));
    cursor = page.body!.nextCursor as string | null;
  } while (cursor);
  return products;
}

const editable = (product: Product) => Object.fromEntries(EDITABLE.map(key => [key, product[key]]));
const same = (a: Product, b: Product) => JSON.stringify(editable(a)) === JSON.stringify(editable(b));

async function restore(base: string, before: Product[]) {
  const token = await adminToken();
  const after = await allProducts(base);
  const was = new Map(before.map(product => [product.id, product]));
  const now = new Set(after.map(product => product.id));
  let deleted = 0;
  let restored = 0;
  for (const product of after) {
    const original = was.get(product.id);
    if (!original) {
      const response = await call(`${base}/products/${encodeURIComponent(product.id)}`, { method: 'DELETE', token });
      if (response.status >= 300 && response.status !== 404) {
        throw new Error(`DELETE /products/${product.id}: ${response.status} ${JSON.stringify(response.body)}`);
      }
      deleted++;
    } else if (!same(original, product)) {
      const response = await call(`${base}/products/${encodeURIComponent(product.id)}`, {
        method: 'PATCH',
        token,
        body: editable(original),
      });
      if (response.status !== 200) {
        throw new Error(`PATCH /products/${product.id}: ${response.status} ${JSON.stringify(response.body)}`);
      }
      restored++;
    }
  }
  // the API cannot undelete: a product the run deleted comes back with the same fields under a new id
  const lost = before.filter(product => !now.has(product.id));
  for (const product of lost) {
    const response = await call(`${base}/products`, { method: 'POST', token, body: editable(product) });
    if (response.status !== 201) {
      throw new Error(`POST /products (for ${product.id}): ${response.status} ${JSON.stringify(response.body)}`);
    }
  }
  process.stdout.write(
    `products: ${deleted} created by the run deleted, ${restored} changed ones restored, ` +
      `${lost.length} deleted ones re-created (under new ids${lost.length ? `; were ${lost.map(p => p.id).join(' ')}` : ''})\n`,
  );
}

async function main() {
  const [command, base, file] = process.argv.slice(2);
  if (!['snapshot', 'restore'].includes(command) || !base || !file) {
    throw new Error('usage: demo-data.ts snapshot|restore <product base URL> <file>');
  }
  if (command === 'snapshot') {
    fs.writeFileSync(file, JSON.stringify(await allProducts(base)), { mode: 0o600 });
  } else {
    await restore(base, JSON.parse(fs.readFileSync(file, 'utf8')) as Product[]);
  }
}

main().catch(error => {
  process.stderr.write(`contract fuzzing demo data: ${(error as Error).message}\n`);
  process.exit(1);
});
