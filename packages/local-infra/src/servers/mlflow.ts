import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../exec';
import type { ServerContext, ServerDriver } from './types';

const venv = (ctx: ServerContext) => path.join(ctx.dir, 'venv');
const requirements = (ctx: ServerContext) =>
  path.join(ctx.repoRoot, 'infra', 'local', 'mlflow', 'requirements.txt');
/** The venv is rebuilt when requirements.txt changes. */
const stamp = (ctx: ServerContext) =>
  path.join(venv(ctx), 'requirements.sha256');
const requirementsHash = (ctx: ServerContext) =>
  crypto
    .createHash('sha256')
    .update(fs.readFileSync(requirements(ctx)))
    .digest('hex');

/** The project's pinned uv (scripts/lib/bootstrap.sh), else one on PATH. */
const uv = (ctx: ServerContext) => {
  const pinned = path.join(ctx.repoRoot, '.state', 'toolchain', 'bin', 'uv');
  return fs.existsSync(pinned) ? pinned : 'uv';
};

const trackingUri = (ctx: ServerContext) =>
  `http://${ctx.host}:${ctx.ports.main}`;

export const mlflowDriver: ServerDriver = {
  aptPackages: [],
  // The first start creates the SQLite schema (many migrations).
  readyTimeoutMs: 180_000,
  stopSignal: 'SIGTERM',
  stopWholeGroup: true,

  isInstalled: ctx =>
    fs.existsSync(path.join(venv(ctx), 'bin', 'mlflow')) &&
    fs.existsSync(stamp(ctx)) &&
    fs.readFileSync(stamp(ctx), 'utf8').trim() === requirementsHash(ctx),

  async install(ctx) {
    fs.rmSync(venv(ctx), { recursive: true, force: true });
    try {
      // uv (./idp puts it into .state/toolchain): from its cache in seconds, where pip took over a minute
      await run(uv(ctx), ['venv', '--quiet', '--python', 'python3', venv(ctx)], {
        logFile: ctx.installLogFile,
      });
      await run(
        uv(ctx),
        [
          'pip',
          'install',
          '--quiet',
          '--python',
          path.join(venv(ctx), 'bin', 'python'),
          '--requirement',
          requirements(ctx),
        ],
        { logFile: ctx.installLogFile },
      );
      fs.writeFileSync(stamp(ctx), `${requirementsHash(ctx)}\n`);
    } catch (error) {
      fs.rmSync(venv(ctx), { recursive: true, force: true });
      throw error;
    }
  },

  async prepare(ctx) {
    fs.mkdirSync(path.join(ctx.dataDir, 'artifacts'), { recursive: true });
  },

  command: ctx => ({
    file: path.join(venv(ctx), 'bin', 'mlflow'),
    args: [
      'server',
      '--host',
      ctx.host,
      '--port',
      String(ctx.ports.main),
      '--backend-store-uri',
      `sqlite:///${path.join(ctx.dataDir, 'mlflow.db')}`,
      '--artifacts-destination',
      path.join(ctx.dataDir, 'artifacts'),
      '--serve-artifacts',
      '--workers',
      '1',
    ],
    cwd: ctx.dir,
    env: {
      ...process.env,
      // Background job workers serve GenAI features (scorers, prompt optimisation) the platform does
      // not use; they are eight extra Python processes (about 1.5 GB) when enabled.
      MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
      MLFLOW_DISABLE_TELEMETRY: 'true',
      DO_NOT_TRACK: 'true',
    },
  }),

  async probe(ctx, timeoutMs) {
    const signal = AbortSignal.timeout(timeoutMs);
    const search = await fetch(
      `${trackingUri(ctx)}/api/2.0/mlflow/experiments/search?max_results=1`,
      { signal },
    );
    if (!search.ok)
      throw new Error(`experiments/search answered HTTP ${search.status}`);
    const version = await fetch(`${trackingUri(ctx)}/version`, { signal });
    return {
      version: version.ok ? (await version.text()).trim() : ctx.def.version,
    };
  },

  envEntries: ctx => ({
    MLFLOW_TRACKING_URI: trackingUri(ctx),
  }),
};
