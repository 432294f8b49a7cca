/**
 * Plans one contract fuzzing run (tools/fuzz/run-contract-fuzz.sh): for every running platform service, the
 * contract its catalog component provides, the base URL, tokens and a schemathesis.toml with the exceptions of
 * tools/fuzz/exceptions.yaml. Reads "<package> <dir> <port>" lines (processes.sh's platform_services) on stdin and
 * prints "<dir> <api> <url> <config file>" lines.
 *
 * Tokens: a customer signs up and logs in through the user service like any shopper; the admin is a second user
 * promoted the way the platform grants admin (PATCH /users/{id} with roles, by an admin). The first admin token is
 * signed with the development key (SERVICE_JWT_PRIVATE_KEY, as ensure_dev_keys sets it), as the platform's services
 * sign their service tokens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse } from 'yaml';
import { contractPath, loadCatalog, loadContract } from '@platform/catalog-validation';
import { createJwtIssuer } from '@platform/service-kit';

const root = path.resolve(__dirname, '../..');
const outDir = process.env.FUZZ_OUT_DIR ?? fs.mkdtempSync('/tmp/contract-fuzz-');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Examples per operation and phase (FUZZ_MAX_EXAMPLES); BUDGETS lowers it for named operations. */
const maxExamples = Number(process.env.FUZZ_MAX_EXAMPLES ?? 25);

interface Exception {
  service: string;
  operation: string;
  checks: string[];
  reason: string;
}

/** The service's base URL: FUZZ_URL_<DIR> (e.g. FUZZ_URL_CART_CHECKOUT), else 127.0.0.1 on its port. */
const baseUrlOf = (dir: string, port: string) =>
  process.env[`FUZZ_URL_${dir.toUpperCase().replace(/-/g, '_')}`] ?? `http://127.0.0.1:${port}`;

/**
 * The OpenAPI contracts the catalog component of services/<dir> provides: the component whose source location is
 * that directory, else the one named <dir>-service or <dir>.
 */
function contractsOf(dir: string): string[] {
  const components = loadCatalog()
    .map(entry => entry.entity)
    .filter(entity => entity.kind === 'Component');
  const component =
    components.find(
      entity => entity.metadata.annotations?.['backstage.io/source-location']?.replace(/\/$/, '') === `dir:../../services/${dir}`,
    ) ?? components.find(entity => [`${dir}-service`, dir].includes(entity.metadata.name));
  const provided = ((component?.spec?.providesApis as string[] | undefined) ?? []).map(ref => ref.replace(/^api:/, ''));
  return provided.filter(api => fs.existsSync(contractPath(api)) && contractPath(api).endsWith('.openapi.yaml'));
}

async function call(url: string, init: { method: string; token?: string; body?: unknown }) {
  const response = await fetch(url, {
    method: init.method,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`${init.method} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body as Record<string, any>;
}

async function signUp(userUrl: string, label: string) {
  const email = `contract-fuzz-${label}-${randomUUID()}@example.com`;
  const password = `fuzz-${randomUUID()}`;
  const user = await call(`${userUrl}/users`, { method: 'POST', body: { email, password, name: `Contract fuzz ${label}` } });
  return { id: user.id as string, email, password };
}

const login = async (userUrl: string, user: { email: string; password: string }) =>
  (await call(`${userUrl}/auth/login`, { method: 'POST', body: { email: user.email, password: user.password } })).accessToken as string;

async function tokens(userUrl: string) {
  const signingKey = process.env.SERVICE_JWT_PRIVATE_KEY ?? process.env.JWT_PRIVATE_KEY;
  if (!signingKey) throw new Error('SERVICE_JWT_PRIVATE_KEY is not set (processes.sh ensure_dev_keys sets it)');
  const issuer = await createJwtIssuer({
    privateKeyPem: signingKey.replace(/\\n/g, '\n'),
    issuer: process.env.JWT_ISSUER ?? 'user-service',
    audience: process.env.JWT_AUDIENCE ?? 'platform',
    ttlSeconds: 120,
  });
  const bootstrap = await issuer.sign({ sub: 'contract-fuzz', roles: ['admin'] });
  const customer = await signUp(userUrl, 'customer');
  const admin = await signUp(userUrl, 'admin');
  await call(`${userUrl}/users/${admin.id}`, { method: 'PATCH', token: bootstrap, body: { roles: ['customer', 'admin'] } });
  return { customer: await login(userUrl, customer), admin: await login(userUrl, admin) };
}

/** Operations only an admin (or a service) may call: the contract's summary says so, e.g. "Create a product (admin)". */
function privilegedOperations(api: string): string[] {
  const document = loadContract(api) as unknown as { paths: Record<string, Record<string, { summary?: string }>> };
  return Object.entries(document.paths ?? {}).flatMap(([template, item]) =>
    METHODS.filter(method => /\((admin|service)( or (admin|service))?\)\s*$/.test(item[method]?.summary ?? '')).map(
      method => `${method.toUpperCase()} ${template}`,
    ),
  );
}

const toml = (value: string) => JSON.stringify(value);

/**
 * Operations given fewer examples than FUZZ_MAX_EXAMPLES (per phase), and why. Each still runs in every phase; the
 * coverage phase (every boundary and type case the schema defines) is not bounded by examples at all.
 */
const BUDGETS: Array<{ service: string; operation: string; examples: number; reason: string }> = [
  {
    service: 'user',
    operation: 'POST /users',
    examples: 5,
    reason: 'hashes every accepted password with bcrypt (tens of ms each); its schema is small, 5 draws cover it',
  },
  {
    service: 'user',
    operation: 'POST /auth/login',
    examples: 5,
    reason: 'compares every password with bcrypt, also for unknown emails (on purpose, against timing attacks)',
  },
];

function configFor(dir: string, api: string, token: { customer: string; admin: string }, exceptions: Exception[]) {
  const lines = [
    `# generated by tools/fuzz/plan.ts for ${dir} (${api})`,
    `headers = { Authorization = ${toml(`Bearer ${token.customer}`)} }`,
    '',
    '[generation]',
    `max-examples = ${maxExamples}`,
    '',
    // 400 means "does not match the contract"; a schema-valid request may only be refused with a status the
    // contract documents for rules its schemas cannot express (422), or for state (404, 409)
    '[checks.positive_data_acceptance]',
    'expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]',
  ];
  const privileged = privilegedOperations(api);
  if (privileged.length > 0) {
    lines.push('', '[[operations]]', `include-name = [${privileged.map(toml).join(', ')}]`);
    lines.push(`headers = { Authorization = ${toml(`Bearer ${token.admin}`)} }`);
  }
  for (const budget of BUDGETS.filter(b => b.service === dir)) {
    lines.push('', `# ${budget.reason}`, '[[operations]]', `include-name = ${toml(budget.operation)}`);
    lines.push(`generation.max-examples = ${Math.min(budget.examples, maxExamples)}`);
  }
  for (const exception of exceptions.filter(e => e.service === dir)) {
    lines.push('', `# ${exception.reason.trim().replace(/\n/g, ' ')}`, '[[operations]]', `include-name = ${toml(exception.operation)}`);
    for (const check of exception.checks) lines.push(`checks.${check}.enabled = false`);
  }
  const file = path.join(outDir, `${dir}.schemathesis.toml`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

async function main() {
  const services = fs
    .readFileSync(0, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => line.split(' ') as [string, string, string]);
  const exceptions = ((parse(fs.readFileSync(path.join(root, 'tools/fuzz/exceptions.yaml'), 'utf8')) ?? {}).exceptions ??
    []) as Exception[];
  for (const e of exceptions) {
    if (!e.service || !e.operation || !e.checks?.length || !e.reason?.trim()) {
      throw new Error(`tools/fuzz/exceptions.yaml: every exception needs service, operation, checks and a reason: ${JSON.stringify(e)}`);
    }
  }
  const user = services.find(([, dir]) => dir === 'user');
  if (!user) throw new Error('the user service is not among the running services; it issues the tokens');
  const token = await tokens(baseUrlOf(user[1], user[2]));
  for (const [, dir, port] of services.sort((a, b) => a[1].localeCompare(b[1]))) {
    const apis = contractsOf(dir);
    if (apis.length === 0) throw new Error(`services/${dir}: its catalog component provides no OpenAPI contract`);
    for (const api of apis) {
      process.stdout.write(`${dir} ${api} ${baseUrlOf(dir, port)} ${configFor(dir, api, token, exceptions)}\n`);
    }
  }
}

main().catch(error => {
  process.stderr.write(`contract fuzzing: ${(error as Error).message}\n`);
  process.exit(1);
});
