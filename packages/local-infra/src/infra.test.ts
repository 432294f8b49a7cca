import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { InfraError } from './exec';
import { Infra } from './infra';
import { findRepoRoot } from './paths';
import { commandLine } from './ports';

async function listen(): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: net.Server) =>
  (server.address() as net.AddressInfo).port;
const close = (server: net.Server) =>
  new Promise<void>(resolve => server.close(() => resolve()));

async function freePort(): Promise<number> {
  const server = await listen();
  const port = portOf(server);
  await close(server);
  return port;
}

/** Processes whose command line mentions a folder: what a half-started server would leave. */
function processesMentioning(dir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter(entry => /^\d+$/.test(entry))
    .filter(pid => commandLine(Number(pid))?.includes(dir))
    .map(Number);
}

async function failure(promise: Promise<unknown>): Promise<InfraError> {
  try {
    await promise;
  } catch (error) {
    return error as InfraError;
  }
  throw new Error('expected a failure');
}

describe('Infra.up failures', () => {
  let scratch: string;
  const lines: string[] = [];

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'local-infra-test-'));
    lines.length = 0;
  });

  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('refuses a port taken by another process, naming the port and the process, and starts nothing', async () => {
    const squatter = await listen();
    try {
      const port = portOf(squatter);
      const infra = new Infra({
        stateDir: scratch,
        env: { INFRA_REDIS_PORT: String(port) },
        out: line => lines.push(line),
      });
      const error = await failure(infra.up(['redis']));
      expect(error).toBeInstanceOf(InfraError);
      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(
        new RegExp(
          `^redis: port ${port} is taken by pid ${process.pid} \\(.*\\); stop it or set INFRA_REDIS_PORT to a free port$`,
        ),
      );
      expect(fs.existsSync(path.join(scratch, 'infra', 'redis', 'pid'))).toBe(
        false,
      );
      expect(processesMentioning(scratch)).toEqual([]);
    } finally {
      await close(squatter);
    }
  });

  it('reports a failed install in one line and leaves no partial install or process behind', async () => {
    const repoRoot = path.join(scratch, 'repo');
    fs.cpSync(
      path.join(findRepoRoot(), 'infra', 'local'),
      path.join(repoRoot, 'infra', 'local'),
      { recursive: true },
    );
    const pom = path.join(repoRoot, 'infra', 'local', 'kafka', 'pom.xml');
    fs.writeFileSync(
      pom,
      fs
        .readFileSync(pom, 'utf8')
        .replace(
          /<kafka\.version>[^<]+</,
          '<kafka.version>0.0.0-no-such-release<',
        ),
    );
    const infra = new Infra({
      repoRoot,
      stateDir: path.join(scratch, 'state'),
      env: {
        INFRA_KAFKA_PORT: String(await freePort()),
        INFRA_KAFKA_CONTROLLER_PORT: String(await freePort()),
      },
      out: line => lines.push(line),
    });
    const error = await failure(infra.up(['kafka']));
    expect(error).toBeInstanceOf(InfraError);
    expect(error.message).toMatch(
      /^kafka: install failed: `mvn dependency:copy-dependencies` exited with 1: .*0\.0\.0-no-such-release/,
    );
    expect(error.message).not.toContain('\n');
    const kafkaDir = path.join(scratch, 'state', 'infra', 'kafka');
    expect(fs.readdirSync(kafkaDir).sort()).toEqual(['log']);
    expect(processesMentioning(scratch)).toEqual([]);
  }, 120_000);

  it.each([
    {
      name: 's3' as const,
      pin: ['versitygw', 'go.mod'],
      edit: (text: string) =>
        text.replace(
          'github.com/versity/versitygw v1.8.0',
          'github.com/versity/versitygw v1.8.99',
        ),
      cause:
        /^s3: install failed: `go build` exited with 1: missing go\.sum entry for module providing package github\.com\/versity\/versitygw\/cmd\/versitygw/,
    },
    {
      name: 'azurite' as const,
      pin: ['azurite', 'package.json'],
      edit: (text: string) =>
        text.replace(/"azurite": "[^"]+"/, '"azurite": "3.0.99"'),
      cause:
        /^azurite: install failed: `npm ci` exited with 1: npm error notarget No matching version found for azurite@3\.0\.99/,
    },
  ])(
    '$name: a failed install leaves no partial install or process behind',
    async ({ name, pin, edit, cause }) => {
      const repoRoot = path.join(scratch, 'repo');
      fs.cpSync(
        path.join(findRepoRoot(), 'infra', 'local'),
        path.join(repoRoot, 'infra', 'local'),
        { recursive: true },
      );
      const file = path.join(repoRoot, 'infra', 'local', ...pin);
      fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
      const infra = new Infra({
        repoRoot,
        stateDir: path.join(scratch, 'state'),
        env: {
          INFRA_S3_PORT: String(await freePort()),
          INFRA_AZURITE_PORT: String(await freePort()),
        },
        out: line => lines.push(line),
      });
      const error = await failure(infra.up([name]));
      expect(error).toBeInstanceOf(InfraError);
      expect(error.message).toMatch(cause);
      expect(error.message).not.toContain('\n');
      const serverDir = path.join(scratch, 'state', 'infra', name);
      expect(fs.readdirSync(serverDir)).toEqual(['log']);
      expect(processesMentioning(scratch)).toEqual([]);
    },
    120_000,
  );

  it("in CI, takes a port over from another checkout's server of the same kind; otherwise names that checkout", async () => {
    const port = String(await freePort());
    const other = new Infra({
      stateDir: path.join(scratch, 'other-checkout', '.state'),
      env: { INFRA_REDIS_PORT: port },
      out: line => lines.push(line),
    });
    const mine = (env: NodeJS.ProcessEnv) =>
      new Infra({
        stateDir: path.join(scratch, 'this-checkout', '.state'),
        env: { INFRA_REDIS_PORT: port, ...env },
        out: line => lines.push(line),
      });
    await other.up(['redis']);
    const otherPid = other.runningPid(other.context('redis'))!;
    try {
      const error = await failure(mine({}).up(['redis']));
      expect(error.message).toContain(
        `redis: port ${port} is taken by pid ${otherPid} (`,
      );
      expect(error.message).toContain(
        `run \`yarn infra down\` in ${path.join(
          scratch,
          'other-checkout',
        )} or set INFRA_REDIS_PORT`,
      );

      const ci = mine({ CI: 'true' });
      await ci.up(['redis']);
      expect(lines).toContain(
        `redis: port ${port} is held by the server of ${path.join(
          scratch,
          'other-checkout',
        )} (pid ${otherPid}); stopping it`,
      );
      expect(other.runningPid(other.context('redis'))).toBeUndefined();
      const [status] = await ci.status(['redis']);
      expect(status).toMatchObject({
        name: 'redis',
        state: 'ready',
        address: `127.0.0.1:${port}`,
      });
      await ci.down(['redis']);
    } finally {
      await other.down(['redis']);
    }
    expect(processesMentioning(scratch)).toEqual([]);
  }, 60_000);
});
