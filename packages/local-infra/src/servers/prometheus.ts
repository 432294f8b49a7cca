import fs from 'node:fs';
import path from 'node:path';
import type { ServerContext, ServerDriver } from './types';

const PROMETHEUS = '/usr/bin/prometheus';
const DEFAULT_SELF_TARGET = '127.0.0.1:9090';
const configFile = (ctx: ServerContext) => path.join(ctx.dir, 'prometheus.yml');
const prometheusUrl = (ctx: ServerContext) =>
  `http://${ctx.host}:${ctx.ports.main}`;

export const prometheusDriver: ServerDriver = {
  aptPackages: ['prometheus'],
  readyTimeoutMs: 30_000,
  stopSignal: 'SIGTERM',
  stopWholeGroup: true,

  isInstalled: () => fs.existsSync(PROMETHEUS),

  async prepare(ctx) {
    const source = fs.readFileSync(
      path.join(ctx.repoRoot, 'infra', 'local', 'prometheus.yml'),
      'utf8',
    );
    // Prometheus scrapes itself; follow a port override.
    fs.writeFileSync(
      configFile(ctx),
      source.split(DEFAULT_SELF_TARGET).join(`${ctx.host}:${ctx.ports.main}`),
    );
  },

  command: ctx => ({
    file: PROMETHEUS,
    args: [
      `--config.file=${configFile(ctx)}`,
      `--storage.tsdb.path=${ctx.dataDir}`,
      '--storage.tsdb.retention.time=7d',
      `--web.listen-address=${ctx.host}:${ctx.ports.main}`,
    ],
    cwd: ctx.dir,
  }),

  async probe(ctx, timeoutMs) {
    const signal = AbortSignal.timeout(timeoutMs);
    const ready = await fetch(`${prometheusUrl(ctx)}/-/ready`, { signal });
    if (!ready.ok) throw new Error(`/-/ready answered HTTP ${ready.status}`);
    const info = await fetch(`${prometheusUrl(ctx)}/api/v1/status/buildinfo`, {
      signal,
    });
    const body = (await info.json()) as { data?: { version?: string } };
    return { version: body.data?.version ?? ctx.def.version };
  },

  envEntries: ctx => ({
    PROMETHEUS_URL: prometheusUrl(ctx),
  }),
};
