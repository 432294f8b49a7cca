import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { run } from '../exec';
import type { ServerContext, ServerDriver } from './types';

const binary = (ctx: ServerContext) => path.join(ctx.dir, 'bin', 'ferretdb');
/** Records which pinned version the binary was built from, so a new pin rebuilds it. */
const stamp = (ctx: ServerContext) => path.join(ctx.dir, 'bin', 'version');

const mongodbUri = (ctx: ServerContext) =>
  `mongodb://${ctx.host}:${ctx.ports.main}/`;

export const ferretdbDriver: ServerDriver = {
  aptPackages: [],
  readyTimeoutMs: 30_000,
  stopSignal: 'SIGTERM',
  stopWholeGroup: true,

  isInstalled: ctx =>
    fs.existsSync(binary(ctx)) &&
    fs.existsSync(stamp(ctx)) &&
    fs.readFileSync(stamp(ctx), 'utf8').trim() === ctx.def.version,

  async install(ctx) {
    const binDir = path.dirname(binary(ctx));
    fs.rmSync(binDir, { recursive: true, force: true });
    fs.mkdirSync(binDir, { recursive: true });
    try {
      await run('go', ['build', '-trimpath', '-o', binary(ctx), '.'], {
        cwd: path.join(ctx.repoRoot, 'infra', 'local', 'ferretdb'),
        // Build with the Go on this machine; never download another toolchain.
        // No VCS stamping: the build must not depend on git or on the checkout's ownership.
        env: {
          ...process.env,
          GOTOOLCHAIN: 'local',
          GOFLAGS: '-mod=readonly -buildvcs=false',
        },
        logFile: ctx.installLogFile,
      });
      fs.writeFileSync(stamp(ctx), `${ctx.def.version}\n`);
    } catch (error) {
      fs.rmSync(binDir, { recursive: true, force: true });
      throw error;
    }
  },

  async prepare(ctx) {
    fs.mkdirSync(ctx.dataDir, { recursive: true });
  },

  command: ctx => ({
    file: binary(ctx),
    args: [
      `--listen-addr=${ctx.host}:${ctx.ports.main}`,
      `--sqlite-url=file:${ctx.dataDir}/`,
    ],
    cwd: ctx.dir,
  }),

  async probe(ctx, timeoutMs) {
    const client = new MongoClient(mongodbUri(ctx), {
      serverSelectionTimeoutMS: timeoutMs,
      connectTimeoutMS: timeoutMs,
      directConnection: true,
    });
    try {
      await client.connect();
      const admin = client.db('admin');
      await admin.command({ ping: 1 });
      const info = await admin.command({ buildInfo: 1 });
      return {
        version: `FerretDB ${
          info.ferretdbVersion ?? ctx.def.version
        } (MongoDB ${info.version})`,
      };
    } finally {
      await client.close().catch(() => undefined);
    }
  },

  envEntries: ctx => ({
    MONGODB_URI: mongodbUri(ctx),
    MONGODB_HOST: ctx.host,
    MONGODB_PORT: String(ctx.ports.main),
  }),
};
