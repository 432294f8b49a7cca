import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { run } from '../exec';
import type { ServerContext, ServerDriver } from './types';

const libsDir = (ctx: ServerContext) => path.join(ctx.dir, 'libs');
const kafkaJar = (ctx: ServerContext) =>
  path.join(libsDir(ctx), `kafka_2.13-${ctx.def.version}.jar`);
const kafkaProjectDir = (ctx: ServerContext) =>
  path.join(ctx.repoRoot, 'infra', 'local', 'kafka');
const propertiesFile = (ctx: ServerContext) =>
  path.join(ctx.dir, 'server.properties');

function java(ctx: ServerContext, mainClass: string, args: string[]) {
  return {
    file: 'java',
    args: [
      '-Xms128m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${path.join(
        kafkaProjectDir(ctx),
        'log4j.properties',
      )}`,
      '-cp',
      `${libsDir(ctx)}/*`,
      mainClass,
      ...args,
    ],
    cwd: ctx.dir,
  };
}

/** A KRaft cluster id: 16 random bytes, base64url, not starting with '-' (Kafka's own rule). */
function clusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export const kafkaDriver: ServerDriver = {
  aptPackages: [],
  readyTimeoutMs: 90_000,
  stopSignal: 'SIGTERM',
  stopWholeGroup: true,

  isInstalled: ctx => fs.existsSync(kafkaJar(ctx)),

  async install(ctx) {
    const staging = `${libsDir(ctx)}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    try {
      await run(
        'mvn',
        [
          '-q',
          '-B',
          '-f',
          path.join(kafkaProjectDir(ctx), 'pom.xml'),
          'dependency:copy-dependencies',
          `-DoutputDirectory=${staging}`,
        ],
        { logFile: ctx.installLogFile },
      );
      fs.rmSync(libsDir(ctx), { recursive: true, force: true });
      fs.renameSync(staging, libsDir(ctx));
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  },

  async prepare(ctx) {
    const template = fs.readFileSync(
      path.join(kafkaProjectDir(ctx), 'server.properties'),
      'utf8',
    );
    const values: Record<string, string> = {
      HOST: ctx.host,
      PORT: String(ctx.ports.main),
      CONTROLLER_PORT: String(ctx.ports.controller),
      DATA_DIR: ctx.dataDir,
    };
    const rendered = template.replace(
      /\$\{(\w+)\}/g,
      (whole, key: string) => values[key] ?? whole,
    );
    fs.writeFileSync(propertiesFile(ctx), rendered);
    if (fs.existsSync(path.join(ctx.dataDir, 'meta.properties'))) return;
    const format = java(ctx, 'kafka.tools.StorageTool', [
      'format',
      '-t',
      clusterId(),
      '-c',
      propertiesFile(ctx),
    ]);
    try {
      await run(format.file, format.args, {
        cwd: format.cwd,
        logFile: ctx.installLogFile,
      });
    } catch (error) {
      fs.rmSync(ctx.dataDir, { recursive: true, force: true });
      throw error;
    }
  },

  command: ctx => java(ctx, 'kafka.Kafka', [propertiesFile(ctx)]),

  async probe(ctx, timeoutMs) {
    const admin = new Kafka({
      clientId: 'local-infra-probe',
      brokers: [`${ctx.host}:${ctx.ports.main}`],
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      if (brokers.length < 1) throw new Error('metadata lists no broker');
      return { version: ctx.def.version };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },

  envEntries: ctx => ({
    KAFKA_BROKERS: `${ctx.host}:${ctx.ports.main}`,
  }),
};
