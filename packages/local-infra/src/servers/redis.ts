import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import type { ServerDriver } from './types';

const REDIS_SERVER = '/usr/bin/redis-server';

export const redisDriver: ServerDriver = {
  aptPackages: ['redis-server'],
  readyTimeoutMs: 20_000,
  stopSignal: 'SIGTERM',
  stopWholeGroup: true,

  isInstalled: () => fs.existsSync(REDIS_SERVER),

  async prepare(ctx) {
    fs.mkdirSync(ctx.dataDir, { recursive: true });
    const config = [
      '# Written by `yarn infra up`; edits are overwritten.',
      `bind ${ctx.host}`,
      `port ${ctx.ports.main}`,
      'protected-mode yes',
      'daemonize no',
      'supervised no',
      // Keep our argv visible so `down` can recognise the process as ours.
      'set-proc-title no',
      'logfile ""',
      `dir ${ctx.dataDir}`,
      'appendonly yes',
    ];
    fs.writeFileSync(
      path.join(ctx.dir, 'redis.conf'),
      `${config.join('\n')}\n`,
    );
  },

  command: ctx => ({
    file: REDIS_SERVER,
    args: [path.join(ctx.dir, 'redis.conf')],
    cwd: ctx.dataDir,
  }),

  async probe(ctx, timeoutMs) {
    const client = new Redis({
      host: ctx.host,
      port: ctx.ports.main,
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const pong = await client.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
      const info = await client.info('server');
      return { version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
    } finally {
      client.disconnect();
    }
  },

  envEntries: ctx => ({
    REDIS_URL: `redis://${ctx.host}:${ctx.ports.main}`,
    REDIS_HOST: ctx.host,
    REDIS_PORT: String(ctx.ports.main),
  }),
};
