import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A failure with a one-line cause, printed as is by the CLI. */
export class InfraError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Commands `run` has started and that have not finished, so an interrupted CLI can stop them. */
const running = new Set<ChildProcess>();

export function stopRunningCommands() {
  for (const child of running) child.kill('SIGTERM');
}

export interface RunOptions extends SpawnOptions {
  /** Append the command's output here (install logs); otherwise it is only kept in memory. */
  logFile?: string;
}

/**
 * Runs a command to completion. On failure the error names the command and the last
 * meaningful output line, which is usually the cause (apt, pip, mvn and go all end that way).
 */
export function run(
  file: string,
  args: string[],
  options: RunOptions = {},
): Promise<string> {
  const { logFile, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...spawnOptions,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const chunks: Buffer[] = [];
    const log = logFile
      ? fs.createWriteStream(logFile, { flags: 'a' })
      : undefined;
    log?.write(`\n$ ${file} ${args.join(' ')}\n`);
    const collect = (chunk: Buffer) => {
      chunks.push(chunk);
      log?.write(chunk);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('error', error => {
      running.delete(child);
      log?.end();
      reject(new InfraError(`${file}: ${error.message}`));
    });
    child.on('close', code => {
      running.delete(child);
      log?.end();
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) {
        resolve(output);
        return;
      }
      reject(
        new InfraError(
          `\`${commandName(file, args)}\` exited with ${code}: ${lastLine(
            output,
          )}`,
        ),
      );
    });
  });
}

/** `mvn dependency:copy-dependencies`, `apt-get install`, `go build`: the program and its subcommand. */
function commandName(file: string, args: string[]): string {
  const subcommand = args.find(arg => /^[a-z][\w:.-]*$/i.test(arg));
  return [path.basename(file), subcommand].filter(Boolean).join(' ');
}

/** Trailing advice that tools print after the actual error. */
const BOILERPLATE =
  /^\[ERROR\] \[Help \d+\]|Re-run Maven|full stack trace|For more information|^\[ERROR\]$|^\[notice\]|A complete log of this run|In most cases you or one of your dependencies/;

/** The last line that says something, stripped of terminal colour codes. */
export function lastLine(output: string): string {
  const lines = output
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map(line => line.replace(/\s*-> \[Help \d+\]$/, '').trim())
    .filter(line => line && !/^\s*at /.test(line) && !BOILERPLATE.test(line));
  const errorLine = [...lines]
    .reverse()
    .find(line =>
      /error|fail|cannot|unable|not found|missing|denied|exception:|panic/i.test(
        line,
      ),
    );
  return (errorLine ?? lines[lines.length - 1] ?? '(no output)').slice(0, 300);
}
