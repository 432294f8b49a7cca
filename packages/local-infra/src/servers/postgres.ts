import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { InfraError, run } from '../exec';
import type { ServerContext, ServerDriver } from './types';

export const POSTGRES_USER = 'platform';
export const POSTGRES_PASSWORD = 'platform';
export const POSTGRES_DATABASE = 'platform';

const binDir = (ctx: ServerContext) =>
  `/usr/lib/postgresql/${ctx.def.version}/bin`;

/** The `postgres` OS account: the server refuses to run as root. */
function postgresAccount(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find(entry => entry.startsWith('postgres:'));
  if (!line)
    throw new InfraError(
      'postgres: the `postgres` OS user is missing (the postgresql package creates it)',
    );
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * The postgres user must be able to walk down to the data folder. A checkout inside a
 * private (0700) home or work folder blocks that, so grant search (x) permission only.
 */
function ensureTraversable(dir: string, uid: number) {
  for (
    let current = path.dirname(dir);
    current !== path.dirname(current);
    current = path.dirname(current)
  ) {
    const stat = fs.statSync(current);
    if (stat.uid !== uid && (stat.mode & 0o001) === 0) {
      fs.chmodSync(current, stat.mode | 0o001);
      process.stdout.write(
        `postgres: granted search permission (o+x) on ${current} so the postgres user reaches ${dir}\n`,
      );
    }
  }
}

function chownTree(dir: string, uid: number, gid: number) {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(child, uid, gid);
    else fs.chownSync(child, uid, gid);
  }
}

const socketDir = (ctx: ServerContext) => path.join(ctx.dir, 'run');

export function databaseUrl(
  host: string,
  port: number,
  database = POSTGRES_DATABASE,
): string {
  return `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${host}:${port}/${database}`;
}

async function withClient<T>(
  ctx: ServerContext,
  database: string,
  timeoutMs: number,
  fn: (c: Client) => Promise<T>,
) {
  const client = new Client({
    connectionString: databaseUrl(ctx.host, ctx.ports.main, database),
    connectionTimeoutMillis: timeoutMs,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresDriver: ServerDriver = {
  aptPackages: ['postgresql'],
  readyTimeoutMs: 60_000,
  stopSignal: 'SIGINT', // "fast" shutdown: roll back open transactions, then exit cleanly.
  stopWholeGroup: false,

  isInstalled: ctx => fs.existsSync(path.join(binDir(ctx), 'postgres')),

  async prepare(ctx) {
    const { uid, gid } = postgresAccount();
    ensureTraversable(ctx.dir, uid);
    fs.mkdirSync(socketDir(ctx), { recursive: true });
    fs.chownSync(socketDir(ctx), uid, gid);
    if (fs.existsSync(path.join(ctx.dataDir, 'PG_VERSION'))) {
      chownTree(ctx.dataDir, uid, gid);
      return;
    }
    // initdb writes into a staging folder, so an interrupted run never looks like a cluster.
    const staging = `${ctx.dataDir}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
    fs.chownSync(staging, uid, gid);
    const passwordFile = path.join(ctx.dir, 'run', 'initdb-password');
    fs.writeFileSync(passwordFile, `${POSTGRES_PASSWORD}\n`, { mode: 0o600 });
    fs.chownSync(passwordFile, uid, gid);
    try {
      await run(
        path.join(binDir(ctx), 'initdb'),
        [
          `--pgdata=${staging}`,
          `--username=${POSTGRES_USER}`,
          `--pwfile=${passwordFile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C.UTF-8',
        ],
        { uid, gid, cwd: staging, logFile: ctx.installLogFile },
      );
      fs.rmSync(ctx.dataDir, { recursive: true, force: true });
      fs.renameSync(staging, ctx.dataDir);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
      fs.rmSync(passwordFile, { force: true });
    }
  },

  command(ctx) {
    const { uid, gid } = postgresAccount();
    return {
      file: path.join(binDir(ctx), 'postgres'),
      args: [
        '-D',
        ctx.dataDir,
        '-c',
        `listen_addresses=${ctx.host}`,
        '-c',
        `port=${ctx.ports.main}`,
        '-c',
        `unix_socket_directories=${socketDir(ctx)}`,
        '-c',
        'max_connections=200',
        // Tests commit a lot; losing the last few ms of commits on a crash is fine in development.
        '-c',
        'synchronous_commit=off',
      ],
      cwd: ctx.dataDir,
      uid,
      gid,
    };
  },

  async probe(ctx, timeoutMs) {
    return withClient(ctx, 'postgres', timeoutMs, async client => {
      await client.query('SELECT 1');
      const { rows } = await client.query<{ server_version: string }>(
        'SHOW server_version',
      );
      return { version: rows[0].server_version.split(' ')[0] };
    });
  },

  async afterReady(ctx) {
    await withClient(ctx, 'postgres', 5_000, async client => {
      const { rowCount } = await client.query(
        'SELECT 1 FROM pg_database WHERE datname = $1',
        [POSTGRES_DATABASE],
      );
      if (!rowCount)
        await client.query(
          `CREATE DATABASE ${POSTGRES_DATABASE} OWNER ${POSTGRES_USER}`,
        );
    });
    await withClient(ctx, POSTGRES_DATABASE, 5_000, client =>
      client.query('SELECT 1'),
    );
  },

  envEntries: ctx => ({
    DATABASE_URL: databaseUrl(ctx.host, ctx.ports.main),
    POSTGRES_HOST: ctx.host,
    POSTGRES_PORT: String(ctx.ports.main),
    POSTGRES_USER,
    POSTGRES_PASSWORD,
    POSTGRES_DB: POSTGRES_DATABASE,
  }),
};
