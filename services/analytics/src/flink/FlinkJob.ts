import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { backoffDelay } from '@platform/service-kit';

/** The launcher's Java options (services/analytics/flink/jvm.options: Flink's module opens for Java 17, C1 only). */
function javaOptions(launcherSource: string): string[] {
  return fs
    .readFileSync(path.join(launcherSource, 'jvm.options'), 'utf8')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'));
}

/** The local job's metrics (the dashboard and alert rules query them: infra/grafana/dashboards/analytics.json). */
export const FLINK_METRICS = {
  up: 'analytics_flink_job_up',
  checkpoints: 'analytics_flink_checkpoints_completed_total',
  lastCheckpoint: 'analytics_flink_last_checkpoint_timestamp_seconds',
  restarts: 'analytics_flink_job_restarts_total',
} as const;

export interface FlinkJobOptions {
  launcherDir: string;
  /** services/analytics/flink, for its jvm.options */
  launcherSource: string;
  sqlFile: string;
  /** filled into the SQL's `${NAME}` placeholders */
  sqlVariables: Record<string, string>;
  /** Flink configuration options (key → value) */
  flinkConfig: Record<string, string>;
  checkpointDir: string;
  heapMb: number;
  logger: Logger;
  registry?: Registry;
}

export type FlinkJobState = 'stopped' | 'starting' | 'running';

/**
 * The analytics Flink SQL job in a local mini-cluster: one JVM running the launcher (services/analytics/flink) on
 * the job's SQL file. Checkpoints are retained under `checkpointDir` and every start resumes from the newest one, so a
 * restart (a crash, a new deployment of this service) neither loses nor double-counts a window. If the JVM exits
 * while it should run, it is started again after a backoff.
 */
export class FlinkJob {
  private child: ChildProcess | undefined;
  private wanted = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private exitReason: string | undefined;
  private stateValue: FlinkJobState = 'stopped';
  private lastCheckpointValue = 0;
  private readonly checkpointsListeners = new Set<(id: number) => void>();
  private readonly metrics;

  constructor(private readonly options: FlinkJobOptions) {
    const registers = options.registry ? [options.registry] : [];
    const running = () => this.stateValue === 'running';
    this.metrics = {
      up: new Gauge({
        name: FLINK_METRICS.up,
        help: '1 while the local Flink job runs',
        registers,
        collect() {
          this.set(running() ? 1 : 0);
        },
      }),
      checkpoints: new Counter({
        name: FLINK_METRICS.checkpoints,
        help: 'Checkpoints the local Flink job completed',
        registers,
      }),
      lastCheckpoint: new Gauge({
        name: FLINK_METRICS.lastCheckpoint,
        help: 'When the local Flink job last completed a checkpoint',
        registers,
      }),
      restarts: new Counter({
        name: FLINK_METRICS.restarts,
        help: 'Times the local Flink job exited unexpectedly and was started again',
        registers,
      }),
    };
  }

  get state(): FlinkJobState {
    return this.stateValue;
  }

  /** the id of the newest checkpoint the running JVM completed (0 before the first) */
  get lastCheckpoint(): number {
    return this.lastCheckpointValue;
  }

  /** the launcher and its classpath, built by tools/install-flink-launcher.sh */
  private command(): { file: string; args: string[] } {
    const jar = path.join(this.options.launcherDir, 'analytics-flink-job.jar');
    if (!fs.existsSync(jar)) {
      throw new Error(`no Flink launcher at ${jar}: run tools/install-flink-launcher.sh`);
    }
    // the real folder, not the `current` link: the class-data archive holds the class path it was made with
    const launcherDir = fs.realpathSync(this.options.launcherDir);
    const config = Object.entries({
      ...this.options.flinkConfig,
      'execution.checkpointing.dir': `file://${path.resolve(this.options.checkpointDir)}`,
    }).map(([key, value]) => `${key}=${value}`);
    // the class-data sharing archive of the launcher's training run (tools/install-flink-launcher.sh)
    const archive = path.join(launcherDir, 'launcher.jsa');
    return {
      file: 'java',
      args: [
        `-Xmx${this.options.heapMb}m`,
        ...(fs.existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : []),
        ...javaOptions(this.options.launcherSource),
        '-cp',
        `${path.join(launcherDir, 'analytics-flink-job.jar')}${path.delimiter}${path.join(launcherDir, 'lib', '*')}`,
        'com.platform.analytics.FlinkSqlJob',
        this.options.sqlFile,
        '--resume-from-latest-checkpoint',
        ...config,
      ],
    };
  }

  /** starts the JVM; resolves once the job was submitted to the mini-cluster */
  async start(timeoutMs = 120_000): Promise<void> {
    this.wanted = true;
    this.spawn();
    await this.waitFor(() => this.stateValue === 'running', timeoutMs, 'the Flink job to run');
  }

  private spawn(): void {
    const { file, args } = this.command();
    fs.mkdirSync(this.options.checkpointDir, { recursive: true });
    const child = spawn(file, args, {
      env: { ...process.env, ...this.options.sqlVariables },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.stateValue = 'starting';
    this.exitReason = undefined;
    const { logger } = this.options;
    const onLine = (line: string) => {
      const checkpoint = /Completed checkpoint (\d+) for job/.exec(line);
      if (checkpoint) {
        this.lastCheckpointValue = Number(checkpoint[1]);
        this.metrics.checkpoints.inc();
        this.metrics.lastCheckpoint.set(Date.now() / 1000);
        for (const listener of this.checkpointsListeners) listener(this.lastCheckpointValue);
        return;
      }
      if (line.startsWith('analytics-job: running job')) {
        this.stateValue = 'running';
        this.restarts = 0;
      }
      // Flink's own noise: each checkpoint's trigger, stack frames, and metric-name collisions of the Kafka sink
      if (/Triggering checkpoint|Name collision|^\s+at |^\s*\.\.\. \d+ more/.test(line)) return;
      if (line.startsWith('analytics-job:')) logger.info({ flink: line }, 'flink job');
      else if (/ (WARN|ERROR) /.test(line) || line.startsWith('Exception')) logger.warn({ flink: line }, 'flink job');
    };
    readline.createInterface({ input: child.stdout! }).on('line', onLine);
    readline.createInterface({ input: child.stderr! }).on('line', onLine);
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.stateValue = 'stopped';
      this.lastCheckpointValue = 0;
      this.exitReason = `exited with ${signal ?? `code ${code}`}`;
      if (!this.wanted) return;
      const delay = backoffDelay(this.restarts++, { initialMs: 1_000, maxMs: 30_000 });
      logger.error({ code, signal, restartInMs: delay }, 'the Flink job exited; starting it again from its last checkpoint');
      this.metrics.restarts.inc();
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.wanted) this.spawn();
      }, delay);
    });
  }

  /** resolves with the id of the next checkpoint completed after this call */
  nextCheckpoint(timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const listener = (id: number) => {
        clearTimeout(timer);
        this.checkpointsListeners.delete(listener);
        resolve(id);
      };
      timer = setTimeout(() => {
        this.checkpointsListeners.delete(listener);
        reject(new Error(`no Flink checkpoint completed within ${timeoutMs} ms`));
      }, timeoutMs);
      this.checkpointsListeners.add(listener);
    });
  }

  /** Readiness: the job runs. */
  check(): void {
    if (this.stateValue !== 'running') {
      throw new Error(`the Flink job is ${this.stateValue}${this.exitReason ? ` (${this.exitReason})` : ''}`);
    }
  }

  /** SIGTERM (the job is cancelled, its retained checkpoint stays), SIGKILL after `graceMs` */
  async stop(graceMs = 15_000): Promise<void> {
    this.wanted = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.terminate('SIGTERM', graceMs);
  }

  /** Ends the JVM at once, as a crash would (tests: a restart must resume from the last checkpoint). */
  async kill(): Promise<void> {
    this.wanted = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.terminate('SIGKILL', 5_000);
  }

  private async terminate(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private async waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (!this.wanted) throw new Error(`stopped while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}
