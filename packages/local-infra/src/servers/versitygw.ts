import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { run } from '../exec';
import type { ServerContext, ServerDriver } from './types';

const binary = (ctx: ServerContext) => path.join(ctx.dir, 'bin', 'versitygw');
/** What the built binary reports with `--version`, so a new pin rebuilds it. */
const stamp = (ctx: ServerContext) => path.join(ctx.dir, 'bin', 'version');
const credentialsFile = (ctx: ServerContext) =>
  path.join(ctx.dir, 'credentials.json');

/** versitygw's default region; S3 clients sign requests for it. */
const REGION = 'us-east-1';

export interface S3RootCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The gateway's root user: generated on first use and kept in `.state/infra/s3/credentials.json`
 * (mode 0600, never in the repository), so the keys stay the same across restarts.
 */
export function rootCredentials(ctx: ServerContext): S3RootCredentials {
  const file = credentialsFile(ctx);
  for (;;) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as S3RootCredentials;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const generated: S3RootCredentials = {
      // Hex only: the keys go into the shell-sourced env file unquoted.
      accessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(20).toString('hex'),
    };
    fs.mkdirSync(ctx.dir, { recursive: true });
    try {
      // `wx`: when two `yarn infra` processes race, the first file wins and both read it.
      fs.writeFileSync(file, `${JSON.stringify(generated, null, 2)}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
      return generated;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

const endpoint = (ctx: ServerContext) => `http://${ctx.host}:${ctx.ports.main}`;

export const versitygwDriver: ServerDriver = {
  aptPackages: [],
  readyTimeoutMs: 20_000,
  stopSignal: 'SIGTERM',
  stopWholeGroup: true,

  isInstalled: ctx =>
    fs.existsSync(binary(ctx)) &&
    fs.existsSync(stamp(ctx)) &&
    fs.readFileSync(stamp(ctx), 'utf8').trim() === `v${ctx.def.version}`,

  async install(ctx) {
    const binDir = path.dirname(binary(ctx));
    fs.rmSync(binDir, { recursive: true, force: true });
    fs.mkdirSync(binDir, { recursive: true });
    try {
      // The gateway's own main package, built as a `tool` of the pinned module in infra/local/versitygw.
      await run(
        'go',
        [
          'build',
          '-trimpath',
          '-ldflags',
          `-X main.Version=v${ctx.def.version}`,
          '-o',
          binary(ctx),
          'github.com/versity/versitygw/cmd/versitygw',
        ],
        {
          cwd: path.join(ctx.repoRoot, 'infra', 'local', 'versitygw'),
          // Build with the Go on this machine; never download another toolchain.
          // No VCS stamping: the build must not depend on git or on the checkout's ownership.
          env: {
            ...process.env,
            GOTOOLCHAIN: 'local',
            GOFLAGS: '-mod=readonly -buildvcs=false',
          },
          logFile: ctx.installLogFile,
        },
      );
      const output = await run(binary(ctx), ['--version']);
      const reported = /^Version\s*:\s*(\S+)/m.exec(output)?.[1];
      if (reported !== `v${ctx.def.version}`)
        throw new Error(
          `the built versitygw reports version ${reported}, not v${ctx.def.version}`,
        );
      fs.writeFileSync(stamp(ctx), `${reported}\n`);
    } catch (error) {
      fs.rmSync(binDir, { recursive: true, force: true });
      throw error;
    }
  },

  async prepare(ctx) {
    fs.mkdirSync(ctx.dataDir, { recursive: true });
    rootCredentials(ctx);
  },

  command: ctx => {
    const credentials = rootCredentials(ctx);
    return {
      file: binary(ctx),
      args: [
        '--port',
        `${ctx.host}:${ctx.ports.main}`,
        '--region',
        REGION,
        '--keep-alive',
        // Request logging would log every readiness probe and `status`; errors still reach the log.
        '--quiet',
        // Every top-level folder of the data folder is a bucket, every file below it an object.
        'posix',
        ctx.dataDir,
      ],
      cwd: ctx.dir,
      // In the environment, not on the command line: `ps` shows every user the command line.
      env: {
        ...process.env,
        ROOT_ACCESS_KEY_ID: credentials.accessKeyId,
        ROOT_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
    };
  },

  async probe(ctx, timeoutMs) {
    const client = new S3Client({
      endpoint: endpoint(ctx),
      region: REGION,
      forcePathStyle: true,
      credentials: rootCredentials(ctx),
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
      },
    });
    try {
      // A signed call: it also proves the gateway accepts the keys in infra.env.
      await client.send(new ListBucketsCommand({}));
      return {
        version: `versitygw ${fs.readFileSync(stamp(ctx), 'utf8').trim()}`,
      };
    } finally {
      client.destroy();
    }
  },

  envEntries: ctx => {
    const credentials = rootCredentials(ctx);
    return {
      S3_ENDPOINT: endpoint(ctx),
      S3_REGION: REGION,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    };
  },
};
