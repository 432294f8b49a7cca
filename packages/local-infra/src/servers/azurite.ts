import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  BlobServiceClient,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { run } from '../exec';
import type { ServerContext, ServerDriver } from './types';

/**
 * Azurite's built-in development account. Its key is published in Microsoft's Azurite
 * documentation and every emulator accepts it; it protects nothing.
 */
export const AZURITE_ACCOUNT = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

/** infra/local/azurite: package.json pins Azurite, package-lock.json every dependency. */
const pinFiles = (ctx: ServerContext) =>
  ['package.json', 'package-lock.json'].map(file =>
    path.join(ctx.repoRoot, 'infra', 'local', 'azurite', file),
  );
const appDir = (ctx: ServerContext) => path.join(ctx.dir, 'app');
const blobMain = (ctx: ServerContext) =>
  path.join(
    appDir(ctx),
    'node_modules',
    'azurite',
    'dist',
    'src',
    'blob',
    'main.js',
  );
/** The installation is redone when the pinned package.json or lock file changes. */
const stamp = (ctx: ServerContext) => path.join(appDir(ctx), 'pins.sha256');
const pinsHash = (ctx: ServerContext) => {
  const hash = crypto.createHash('sha256');
  for (const file of pinFiles(ctx)) hash.update(fs.readFileSync(file));
  return hash.digest('hex');
};

const blobEndpoint = (ctx: ServerContext) =>
  `http://${ctx.host}:${ctx.ports.main}/${AZURITE_ACCOUNT.name}`;

export const azuriteDriver: ServerDriver = {
  aptPackages: [],
  readyTimeoutMs: 30_000,
  stopSignal: 'SIGTERM',
  stopWholeGroup: true,

  isInstalled: ctx =>
    fs.existsSync(blobMain(ctx)) &&
    fs.existsSync(stamp(ctx)) &&
    fs.readFileSync(stamp(ctx), 'utf8').trim() === pinsHash(ctx),

  async install(ctx) {
    const dir = appDir(ctx);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    try {
      for (const file of pinFiles(ctx))
        fs.copyFileSync(file, path.join(dir, path.basename(file)));
      // npm, not Yarn: a server installed into .state/ like MLflow's venv, outside the workspaces'
      // yarn.lock. `npm ci` installs exactly the lock file. No install scripts: Azurite needs none
      // (the one dependency that has one, protobufjs, only prints a version check).
      await run(
        'npm',
        [
          'ci',
          '--omit=dev',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
        ],
        {
          cwd: dir,
          env: {
            ...process.env,
            // npm's `#!/usr/bin/env node` runs on the project's Node, the one that runs Azurite.
            PATH: `${path.dirname(process.execPath)}${path.delimiter}${
              process.env.PATH ?? ''
            }`,
            npm_config_update_notifier: 'false',
          },
          logFile: ctx.installLogFile,
        },
      );
      fs.writeFileSync(stamp(ctx), `${pinsHash(ctx)}\n`);
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  },

  async prepare(ctx) {
    fs.mkdirSync(ctx.dataDir, { recursive: true });
  },

  command: ctx => ({
    // The Node that runs `yarn infra`: the project's Node 24.
    file: process.execPath,
    args: [
      blobMain(ctx),
      '--blobHost',
      ctx.host,
      '--blobPort',
      String(ctx.ports.main),
      '--location',
      ctx.dataDir,
      '--disableTelemetry',
      // @azure/storage-blob sends a newer service API version than Azurite knows; without this
      // Azurite answers every request with 400 InvalidHeaderValue.
      '--skipApiVersionCheck',
      // No access log line per request (readiness probes, `status`); errors still reach the log.
      '--silent',
    ],
    cwd: ctx.dir,
  }),

  async probe(ctx, timeoutMs) {
    const service = new BlobServiceClient(
      blobEndpoint(ctx),
      new StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key),
      { retryOptions: { maxTries: 1, tryTimeoutInMs: timeoutMs } },
    );
    // Get Blob Service Properties: a call signed with the account key, answered by the Blob service.
    const properties = await service.getProperties({
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    const server = properties._response.headers.get('server');
    return {
      version: `${server ?? `Azurite-Blob/${ctx.def.version}`} (API ${
        properties.version
      })`,
    };
  },

  envEntries: ctx => ({
    AZURE_STORAGE_CONNECTION_STRING: [
      'DefaultEndpointsProtocol=http',
      `AccountName=${AZURITE_ACCOUNT.name}`,
      `AccountKey=${AZURITE_ACCOUNT.key}`,
      `BlobEndpoint=${blobEndpoint(ctx)}`,
    ].join(';'),
    AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT.name,
    AZURE_STORAGE_KEY: AZURITE_ACCOUNT.key,
    AZURE_BLOB_ENDPOINT: blobEndpoint(ctx),
  }),
};
