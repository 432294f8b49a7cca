import fs from 'node:fs';
import { infraEnvFile } from './paths';

/** Values a POSIX shell reads literally without quotes. */
const SHELL_SAFE = /^[\w@%+=:,./-]*$/;

/**
 * Single-quotes a value a shell would otherwise split or interpret (a connection string's `;`):
 * `scripts/lib/processes.sh` sources the env file.
 */
function quoteValue(key: string, value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  if (value.includes("'") || value.includes('\n'))
    throw new Error(`${key}: a value with ' or a newline cannot be written`);
  return `'${value}'`;
}

/** Parses `KEY=value` and `KEY='value'` lines; `#` starts a comment line. Values are otherwise taken verbatim. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const value = line.slice(eq + 1).trim();
    const quoted =
      value.length >= 2 && value.startsWith("'") && value.endsWith("'");
    values[line.slice(0, eq).trim()] = quoted ? value.slice(1, -1) : value;
  }
  return values;
}

export function formatEnvFile(
  values: Record<string, string>,
  header: string,
): string {
  const lines = header.split('\n').map(l => `# ${l}`);
  for (const [key, value] of Object.entries(values))
    lines.push(`${key}=${quoteValue(key, value)}`);
  return `${lines.join('\n')}\n`;
}

export interface LoadInfraEnvOptions {
  /** Defaults to `.state/infra.env` at the repo root (or $INFRA_ENV_FILE). */
  file?: string;
  /** Replace values already in process.env; by default an explicit environment wins. */
  override?: boolean;
}

/**
 * Loads the connection settings written by `yarn infra up` into process.env and returns them.
 * Throws with the command to run when the file is missing, so a test fails with the cause.
 */
export function loadInfraEnv(
  options: LoadInfraEnvOptions = {},
): Record<string, string> {
  const file = options.file ?? infraEnvFile();
  if (!fs.existsSync(file)) {
    throw new Error(
      `${file} not found: start the servers with \`yarn infra up\` first`,
    );
  }
  const values = parseEnvFile(fs.readFileSync(file, 'utf8'));
  for (const [key, value] of Object.entries(values)) {
    if (options.override || process.env[key] === undefined)
      process.env[key] = value;
  }
  return values;
}
