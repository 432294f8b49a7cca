import type { ServerDefinition } from '../definitions';
import type { LaunchSpec } from '../processes';

/** Everything a server needs to know about where it lives. */
export interface ServerContext {
  def: ServerDefinition;
  repoRoot: string;
  /** `.state/infra/<name>`: every path of this server is below it, and its command line names it. */
  dir: string;
  dataDir: string;
  logDir: string;
  logFile: string;
  /** Output of install steps (apt, mvn, go, pip). */
  installLogFile: string;
  pidFile: string;
  host: string;
  ports: Record<string, number>;
}

export interface ProbeResult {
  /** The version the server reports about itself. */
  version: string;
}

export interface ServerDriver {
  /** Debian packages it needs; `up` installs all missing ones in a single apt-get run. */
  aptPackages: string[];
  isInstalled(ctx: ServerContext): boolean;
  /** Non-apt installation (Maven, Go, pip). Must leave nothing behind when it fails. */
  install?(ctx: ServerContext): Promise<void>;
  /** Writes configuration and initialises the data folder on first start. */
  prepare(ctx: ServerContext): Promise<void>;
  command(ctx: ServerContext): LaunchSpec;
  /** One readiness attempt through a real client; throws with the reason when not ready. */
  probe(ctx: ServerContext, timeoutMs: number): Promise<ProbeResult>;
  /** Runs once the server first answers (e.g. creating the application database). */
  afterReady?(ctx: ServerContext): Promise<void>;
  readyTimeoutMs: number;
  stopSignal: NodeJS.Signals;
  /** Signal the whole process group (servers with worker processes) or only the leader. */
  stopWholeGroup: boolean;
  /** Connection settings for `.state/infra.env`. */
  envEntries(ctx: ServerContext): Record<string, string>;
}
