import fs from 'node:fs';
import path from 'node:path';
import { run } from '../exec';
import type { ServerContext, ServerDriver } from './types';

const MODULE = 'github.com/axllent/mailpit';

const binDir = (ctx: ServerContext) => path.join(ctx.dir, 'bin');
const binary = (ctx: ServerContext) => path.join(binDir(ctx), 'mailpit');
/** The version the binary was built as, so a new pin rebuilds it and an unchanged one never does. */
const stamp = (ctx: ServerContext) => path.join(binDir(ctx), 'version');

const apiUrl = (ctx: ServerContext) => `http://${ctx.host}:${ctx.ports.main}`;

/** Mailpit reports its version in `GET /api/v1/info`; the build sets it through the linker, as its releases do. */
const versionFlag = (version: string) =>
  `-X ${MODULE}/config.Version=v${version}`;

export const mailpitDriver: ServerDriver = {
  aptPackages: [],
  readyTimeoutMs: 20_000,
  stopSignal: 'SIGTERM',
  stopWholeGroup: false,

  isInstalled: ctx =>
    fs.existsSync(binary(ctx)) &&
    fs.existsSync(stamp(ctx)) &&
    fs.readFileSync(stamp(ctx), 'utf8').trim() === `v${ctx.def.version}`,

  async install(ctx) {
    fs.rmSync(binDir(ctx), { recursive: true, force: true });
    fs.mkdirSync(binDir(ctx), { recursive: true });
    try {
      // `go install module@version` needs no go.mod of ours: the module's own go.sum pins its dependencies,
      // checked against the Go checksum database.
      await run(
        'go',
        [
          'install',
          '-trimpath',
          '-ldflags',
          versionFlag(ctx.def.version),
          `${MODULE}@v${ctx.def.version}`,
        ],
        {
          cwd: ctx.dir,
          // Build with the Go on this machine; never download another toolchain. No VCS stamping: the build
          // must not depend on git.
          env: {
            ...process.env,
            GOBIN: binDir(ctx),
            GOTOOLCHAIN: 'local',
            GOFLAGS: '-mod=readonly -buildvcs=false',
          },
          logFile: ctx.installLogFile,
        },
      );
      if (!fs.existsSync(binary(ctx)))
        throw new Error(`go install left no binary at ${binary(ctx)}`);
      fs.writeFileSync(stamp(ctx), `v${ctx.def.version}\n`);
    } catch (error) {
      fs.rmSync(binDir(ctx), { recursive: true, force: true });
      throw error;
    }
  },

  async prepare(ctx) {
    fs.mkdirSync(ctx.dataDir, { recursive: true });
  },

  command: ctx => ({
    file: binary(ctx),
    args: [
      '--listen',
      `${ctx.host}:${ctx.ports.main}`,
      '--smtp',
      `${ctx.host}:${ctx.ports.smtp}`,
      '--database',
      path.join(ctx.dataDir, 'mailpit.db'),
      // a developer's mailbox, not an archive: the oldest messages go past this many
      '--max',
      '20000',
      // the services log in over plain SMTP on loopback, as they would to a relay inside the cluster
      '--smtp-auth-accept-any',
      '--smtp-auth-allow-insecure',
      // no calls to GitHub for a newer release
      '--disable-version-check',
      '--quiet',
    ],
    cwd: ctx.dir,
  }),

  async probe(ctx, timeoutMs) {
    // The API the tests read: it answers once the store is open and both listeners are up.
    const response = await fetch(`${apiUrl(ctx)}/api/v1/info`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok)
      throw new Error(`GET /api/v1/info answered ${response.status}`);
    const info = (await response.json()) as { Version?: string };
    if (!info.Version) throw new Error('GET /api/v1/info reported no Version');
    return { version: `Mailpit ${info.Version}` };
  },

  envEntries: ctx => ({
    SMTP_URL: `smtp://${ctx.host}:${ctx.ports.smtp}`,
    SMTP_HOST: ctx.host,
    SMTP_PORT: String(ctx.ports.smtp),
    MAILPIT_URL: apiUrl(ctx),
  }),
};
