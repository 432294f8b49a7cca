import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { commandLine } from './ports';

export interface LaunchSpec {
  file: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

export interface Launched {
  pid: number;
  /** Resolves with the exit code if the process ends (it should not while the server is up). */
  exited: Promise<number | null>;
}

/** Starts a server detached in its own process group, its output appended to logFile. */
export function launch(spec: LaunchSpec, logFile: string): Launched {
  const logFd = fs.openSync(logFile, 'a');
  fs.writeSync(
    logFd,
    `\n=== ${new Date().toISOString()} ${spec.file} ${spec.args.join(' ')}\n`,
  );
  try {
    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    const exited = new Promise<number | null>(resolve => {
      child.on('exit', code => resolve(code));
      child.on('error', () => resolve(-1));
    });
    child.unref();
    if (child.pid === undefined)
      throw new Error(`could not start ${spec.file}`);
    return { pid: child.pid, exited };
  } finally {
    fs.closeSync(logFd);
  }
}

interface ProcStat {
  state: string;
  pgrp: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, pgrp: Number(pgrp) };
  } catch {
    return undefined;
  }
}

/** The leader of a process's group: what `yarn infra` started when the port holder is one of its workers. */
export function groupLeader(pid: number): number {
  const pgrp = procStat(pid)?.pgrp;
  return pgrp !== undefined && pgrp > 1 && isAlive(pgrp) ? pgrp : pid;
}

/** Alive and not a zombie (an exited child that nobody has reaped yet is gone for our purposes). */
export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** A PID from a pid file is ours only while its command line still names our state folder. */
export function isOwnProcess(pid: number, marker: string): boolean {
  const command = commandLine(pid);
  return command !== undefined && command.includes(marker);
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function groupAlive(pgid: number): boolean {
  if (isAlive(pgid)) return true;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') return true;
  }
  return false;
}

function signal(pid: number, sig: NodeJS.Signals, wholeGroup: boolean) {
  try {
    process.kill(wholeGroup ? -pid : pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * Stops a server we started: `stopSignal` to the leader (or its whole process group),
 * then SIGKILL to the group if it has not exited within `graceMs`.
 */
export async function stopProcess(
  pid: number,
  options: { stopSignal: NodeJS.Signals; wholeGroup: boolean; graceMs: number },
): Promise<'stopped' | 'killed'> {
  signal(pid, options.stopSignal, options.wholeGroup);
  const deadline = Date.now() + options.graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return 'stopped';
    await sleep(100);
  }
  signal(pid, 'SIGKILL', true);
  signal(pid, 'SIGKILL', false);
  const killDeadline = Date.now() + 10_000;
  while (groupAlive(pid) && Date.now() < killDeadline) await sleep(50);
  return 'killed';
}
