import fs from 'node:fs';
import path from 'node:path';
import { formatEnvFile } from './env';
import {
  ServerDefinition,
  ServerName,
  SERVER_NAMES,
  resolvePorts,
  serverDefinitions,
} from './definitions';
import { InfraError, lastLine, run } from './exec';
import { commandLine, describeHolder, findPortHolder } from './ports';
import {
  groupLeader,
  isAlive,
  isOwnProcess,
  launch,
  readPid,
  stopProcess,
} from './processes';
import { drivers, ServerContext } from './servers';
import { findRepoRoot, stateRoot } from './paths';

export type ServerState = 'ready' | 'stopped' | 'failed';

export interface ServerStatus {
  name: ServerName;
  state: ServerState;
  version: string;
  address: string;
  pid: number | null;
  /** Why a server is `failed`. */
  detail?: string;
}

const HOST = '127.0.0.1';
const isCI = (env: NodeJS.ProcessEnv) =>
  !!env.CI && env.CI !== 'false' && env.CI !== '0';
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface InfraOptions {
  repoRoot?: string;
  /** Defaults to $INFRA_STATE_DIR, else the repo's `.state/`; tests use a scratch folder. */
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  out?: (line: string) => void;
}

export class Infra {
  readonly repoRoot: string;
  readonly infraDir: string;
  readonly envFile: string;
  private readonly defs: Record<ServerName, ServerDefinition>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly out: (line: string) => void;
  /** Servers launched by this `up` that have not answered yet. */
  private readonly starting = new Map<
    ServerName,
    { ctx: ServerContext; pid: number }
  >();

  constructor(options: InfraOptions = {}) {
    this.repoRoot = options.repoRoot ?? findRepoRoot();
    this.env = options.env ?? process.env;
    const stateDir =
      options.stateDir ??
      (this.env.INFRA_STATE_DIR || stateRoot(this.repoRoot));
    this.infraDir = path.join(stateDir, 'infra');
    this.defs = serverDefinitions(this.repoRoot);
    this.envFile = this.env.INFRA_ENV_FILE || path.join(stateDir, 'infra.env');
    this.out = options.out ?? (line => process.stdout.write(`${line}\n`));
  }

  context(name: ServerName): ServerContext {
    const def = this.defs[name];
    const dir = path.join(this.infraDir, name);
    const ctx: ServerContext = {
      def,
      repoRoot: this.repoRoot,
      dir,
      dataDir: path.join(dir, 'data'),
      logDir: path.join(dir, 'log'),
      logFile: path.join(dir, 'log', `${name}.log`),
      installLogFile: path.join(dir, 'log', 'install.log'),
      pidFile: path.join(dir, 'pid'),
      host: HOST,
      ports: resolvePorts(def, this.env),
    };
    // A running server keeps the ports it was started with, whatever the environment says now.
    if (this.runningPid(ctx) !== undefined)
      ctx.ports = this.recordedPorts(ctx) ?? ctx.ports;
    return ctx;
  }

  private portsFile = (ctx: ServerContext) => path.join(ctx.dir, 'ports.json');

  private recordedPorts(
    ctx: ServerContext,
  ): Record<string, number> | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.portsFile(ctx), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** The PID from the pid file, if that process is alive and still ours. */
  runningPid(ctx: ServerContext): number | undefined {
    const pid = readPid(ctx.pidFile);
    return pid !== undefined && isAlive(pid) && isOwnProcess(pid, ctx.dir)
      ? pid
      : undefined;
  }

  address(ctx: ServerContext): string {
    return `${ctx.host}:${ctx.ports.main}`;
  }

  async up(names: ServerName[]): Promise<void> {
    const started = Date.now();
    const release = await this.lock();
    try {
      const contexts = names.map(name => this.context(name));
      const toStart: ServerContext[] = [];
      for (const ctx of contexts) {
        const pid = this.runningPid(ctx);
        if (pid === undefined) {
          fs.rmSync(ctx.pidFile, { force: true });
          toStart.push(ctx);
          continue;
        }
        try {
          const { version } = await drivers[ctx.def.name].probe(ctx, 3_000);
          this.out(
            `${
              ctx.def.name
            }: ready (already running) ${version} at ${this.address(
              ctx,
            )}, pid ${pid}`,
          );
        } catch (error) {
          this.out(
            `${ctx.def.name}: pid ${pid} does not answer (${
              (error as Error).message
            }); restarting it`,
          );
          await this.stop(ctx, pid);
          toStart.push(ctx);
        }
      }
      if (toStart.length > 0) {
        await this.checkPorts(toStart);
        await this.install(toStart);
        await this.checkPorts(toStart);
        const results = await Promise.allSettled(
          toStart.map(ctx => this.start(ctx)),
        );
        const failures = results.flatMap(r =>
          r.status === 'rejected' ? [(r.reason as Error).message] : [],
        );
        this.writeEnvFile();
        if (failures.length > 0) throw new InfraError(failures.join('\n'));
      } else {
        this.writeEnvFile();
      }
      this.out(
        `infra: ${names.join(', ')} ready in ${seconds(
          Date.now() - started,
        )}; settings in ${path.relative(this.repoRoot, this.envFile)}`,
      );
    } finally {
      release();
    }
  }

  /** Stops what this `up` launched but is not ready yet (Ctrl-C): no half-started server stays. */
  async abortStarting(): Promise<void> {
    await Promise.all(
      [...this.starting.values()].map(async ({ ctx, pid }) => {
        await this.stop(ctx, pid);
        this.out(`${ctx.def.name}: interrupted while starting; stopped it`);
      }),
    );
    this.starting.clear();
  }

  async down(names: ServerName[]): Promise<void> {
    const release = await this.lock();
    try {
      await Promise.all(
        names.map(async name => {
          const ctx = this.context(name);
          const pid = readPid(ctx.pidFile);
          if (pid === undefined) {
            this.out(`${name}: not running`);
            return;
          }
          if (!isAlive(pid) || !isOwnProcess(pid, ctx.dir)) {
            fs.rmSync(ctx.pidFile, { force: true });
            this.out(
              `${name}: not running (pid ${pid} is gone or no longer ours; left alone)`,
            );
            return;
          }
          const how = await this.stop(ctx, pid);
          this.out(`${name}: ${how} (pid ${pid})`);
        }),
      );
    } finally {
      release();
    }
  }

  async status(
    names: ServerName[] = [...SERVER_NAMES],
  ): Promise<ServerStatus[]> {
    return Promise.all(
      names.map(async name => {
        const ctx = this.context(name);
        const pid = this.runningPid(ctx);
        const address = this.address(ctx);
        if (pid === undefined) {
          const crashed = fs.existsSync(ctx.pidFile);
          const status: ServerStatus = {
            name,
            state: crashed ? 'failed' : 'stopped',
            version: ctx.def.version,
            address,
            pid: null,
          };
          if (crashed)
            status.detail = `exited without \`yarn infra down\`; see \`yarn infra logs ${name}\``;
          return status;
        }
        try {
          const { version } = await drivers[name].probe(ctx, 3_000);
          return {
            name,
            state: 'ready',
            version,
            address,
            pid,
          } as ServerStatus;
        } catch (error) {
          const detail = (error as Error).message;
          return {
            name,
            state: 'failed',
            version: ctx.def.version,
            address,
            pid,
            detail,
          } as ServerStatus;
        }
      }),
    );
  }

  logFile(name: ServerName): string {
    return this.context(name).logFile;
  }

  /**
   * Refuses, before anything starts, ports held by anyone but our own earlier processes
   * (and, in CI, another checkout's `yarn infra` server of the same kind).
   */
  private async checkPorts(contexts: ServerContext[]) {
    const conflicts: string[] = [];
    for (const ctx of contexts) {
      for (const [key, port] of Object.entries(ctx.ports)) {
        const holder = findPortHolder(port);
        if (!holder) continue;
        const otherCheckout = /(\S+)\/\.state\/infra\/([a-z0-9]+)\//.exec(
          holder.command ?? '',
        );
        const ours = holder.command?.includes(ctx.dir) ?? false;
        // CI runs in a fresh clone on a machine where an earlier checkout's servers may still run.
        const otherCheckoutInCI =
          isCI(this.env) && otherCheckout?.[2] === ctx.def.name;
        if (holder.pid !== undefined && (ours || otherCheckoutInCI)) {
          const leader = groupLeader(holder.pid);
          const whose = ours
            ? 'an earlier instance without pid file'
            : `the server of ${otherCheckout![1]}`;
          this.out(
            `${ctx.def.name}: port ${port} is held by ${whose} (pid ${leader}); stopping it`,
          );
          const driver = drivers[ctx.def.name];
          await stopProcess(leader, {
            stopSignal: driver.stopSignal,
            wholeGroup: driver.stopWholeGroup,
            graceMs: 30_000,
          });
          continue;
        }
        const env = ctx.def.ports[key].env;
        const remedy = otherCheckout
          ? `run \`yarn infra down\` in ${otherCheckout[1]}`
          : 'stop it';
        const taken = `port ${port} is taken by ${describeHolder(holder)}`;
        conflicts.push(
          `${ctx.def.name}: ${taken}; ${remedy} or set ${env} to a free port`,
        );
      }
    }
    if (conflicts.length > 0) throw new InfraError(conflicts.join('\n'));
  }

  private async install(contexts: ServerContext[]) {
    const missing = contexts.filter(
      ctx => !drivers[ctx.def.name].isInstalled(ctx),
    );
    if (missing.length === 0) return;
    for (const ctx of missing) fs.mkdirSync(ctx.logDir, { recursive: true });
    const tasks: Promise<void>[] = [];
    const aptUsers = missing.filter(
      ctx => drivers[ctx.def.name].aptPackages.length > 0,
    );
    if (aptUsers.length > 0) {
      const packages = [
        ...new Set(aptUsers.flatMap(ctx => drivers[ctx.def.name].aptPackages)),
      ];
      const names = aptUsers.map(ctx => ctx.def.name).join(', ');
      tasks.push(
        this.timed(`${names}: apt-get install ${packages.join(' ')}`, () =>
          aptInstall(packages, aptUsers[0].installLogFile),
        ).catch(error => {
          throw new InfraError(
            `${names}: install failed: ${(error as Error).message}`,
          );
        }),
      );
    }
    for (const ctx of missing) {
      const install = drivers[ctx.def.name].install;
      if (!install) continue;
      tasks.push(
        this.timed(`${ctx.def.name}: install ${ctx.def.version}`, () =>
          install(ctx),
        ).catch(error => {
          throw new InfraError(
            `${ctx.def.name}: install failed: ${(error as Error).message}`,
          );
        }),
      );
    }
    const results = await Promise.allSettled(tasks);
    const failures = results.flatMap(r =>
      r.status === 'rejected' ? [(r.reason as Error).message] : [],
    );
    if (failures.length > 0) throw new InfraError(failures.join('\n'));
  }

  private async timed(label: string, task: () => Promise<void>) {
    const started = Date.now();
    this.out(`${label} ...`);
    await task();
    this.out(`${label} done in ${seconds(Date.now() - started)}`);
  }

  private async start(ctx: ServerContext): Promise<void> {
    const driver = drivers[ctx.def.name];
    const started = Date.now();
    fs.mkdirSync(ctx.logDir, { recursive: true });
    fs.mkdirSync(ctx.dataDir, { recursive: true });
    try {
      await driver.prepare(ctx);
    } catch (error) {
      throw new InfraError(
        `${ctx.def.name}: preparing failed: ${(error as Error).message}`,
      );
    }
    const { pid, exited } = launch(driver.command(ctx), ctx.logFile);
    this.starting.set(ctx.def.name, { ctx, pid });
    fs.writeFileSync(ctx.pidFile, `${pid}\n`);
    fs.writeFileSync(this.portsFile(ctx), JSON.stringify(ctx.ports));
    let exitCode: number | null | undefined;
    void exited.then(code => {
      exitCode = code;
    });
    const deadline = started + driver.readyTimeoutMs;
    let lastError = 'no answer yet';
    for (;;) {
      if (exitCode !== undefined) {
        fs.rmSync(ctx.pidFile, { force: true });
        this.starting.delete(ctx.def.name);
        throw new InfraError(
          `${
            ctx.def.name
          }: exited with code ${exitCode} while starting: ${this.logTail(
            ctx,
          )} (full log: yarn infra logs ${ctx.def.name})`,
        );
      }
      try {
        const { version } = await driver.probe(ctx, 2_000);
        await driver.afterReady?.(ctx);
        this.out(
          `${ctx.def.name}: ready ${version} at ${this.address(
            ctx,
          )}, pid ${pid} (${seconds(Date.now() - started)})`,
        );
        this.starting.delete(ctx.def.name);
        return;
      } catch (error) {
        lastError = (error as Error).message || String(error);
      }
      if (Date.now() > deadline) break;
      await sleep(300);
    }
    await this.stop(ctx, pid);
    this.starting.delete(ctx.def.name);
    throw new InfraError(
      `${ctx.def.name}: not ready after ${seconds(
        driver.readyTimeoutMs,
      )}: ${lastError} (stopped it; log: yarn infra logs ${ctx.def.name})`,
    );
  }

  private async stop(ctx: ServerContext, pid: number) {
    const driver = drivers[ctx.def.name];
    const how = await stopProcess(pid, {
      stopSignal: driver.stopSignal,
      wholeGroup: driver.stopWholeGroup,
      graceMs: 30_000,
    });
    fs.rmSync(ctx.pidFile, { force: true });
    return how;
  }

  private logTail(ctx: ServerContext): string {
    try {
      const log = fs.readFileSync(ctx.logFile, 'utf8');
      // Only this start's output: launch() opens each run with a `=== <time> <command>` line.
      const thisRun = log.slice(log.lastIndexOf('\n=== ') + 1);
      return lastLine(thisRun.split('\n').slice(-60).join('\n'));
    } catch {
      return '(no log)';
    }
  }

  /** Writes every server's connection settings (running ones with the ports they use). */
  writeEnvFile() {
    const values: Record<string, string> = {};
    for (const name of SERVER_NAMES)
      Object.assign(values, drivers[name].envEntries(this.context(name)));
    fs.mkdirSync(path.dirname(this.envFile), { recursive: true });
    fs.writeFileSync(
      this.envFile,
      formatEnvFile(
        values,
        'Connection settings of `yarn infra` servers. Written by `yarn infra up`; do not edit.',
      ),
    );
  }

  /** One `yarn infra up/down` at a time: several engineers' scripts may call it at once. */
  private async lock(): Promise<() => void> {
    const lockDir = path.join(this.infraDir, '.lock');
    fs.mkdirSync(this.infraDir, { recursive: true });
    let announced = false;
    for (;;) {
      try {
        fs.mkdirSync(lockDir);
        fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
        const release = () =>
          fs.rmSync(lockDir, { recursive: true, force: true });
        process.once('exit', release);
        return () => {
          process.removeListener('exit', release);
          release();
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readPid(path.join(lockDir, 'pid'));
      // A pid left in .state across a reboot may now belong to an unrelated process.
      const holderRuns =
        holder !== undefined &&
        isAlive(holder) &&
        (commandLine(holder) ?? '').includes('node');
      if (!holderRuns) {
        // The holder died (or is still writing its pid): take over a lock older than a second.
        const lockStat = fs.statSync(lockDir, { throwIfNoEntry: false });
        if (
          lockStat &&
          (holder !== undefined || Date.now() - lockStat.mtimeMs > 1_000)
        )
          fs.rmSync(lockDir, { recursive: true, force: true });
      } else if (!announced) {
        this.out(
          `infra: waiting for another \`yarn infra\` (pid ${holder}) to finish`,
        );
        announced = true;
      }
      await sleep(250);
    }
  }
}

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/**
 * Installs Debian packages in one apt-get run. A temporary policy-rc.d (exit 101) keeps the
 * packages' maintainer scripts from starting the distribution's own copies on our ports.
 */
async function aptInstall(packages: string[], logFile: string) {
  const createdPolicy = !fs.existsSync(POLICY_RC_D);
  if (createdPolicy)
    fs.writeFileSync(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait for another apt/dpkg run (e.g. the project's bootstrap) instead of failing on its lock.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  const update = () =>
    run('apt-get', [...lockWait, 'update', '-q'], { env, logFile });
  const install = () =>
    run(
      'apt-get',
      [
        ...lockWait,
        'install',
        '-y',
        '-q',
        '--no-install-recommends',
        ...packages,
      ],
      { env, logFile },
    );
  try {
    const haveLists =
      fs.existsSync('/var/lib/apt/lists') &&
      fs
        .readdirSync('/var/lib/apt/lists')
        .some(file => file.endsWith('_Packages'));
    if (!haveLists) await update();
    try {
      await install();
    } catch {
      // Stale package lists are the usual cause: refresh once and retry.
      await update();
      await install();
    }
  } finally {
    if (createdPolicy) fs.rmSync(POLICY_RC_D, { force: true });
  }
}
