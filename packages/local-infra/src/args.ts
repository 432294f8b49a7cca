import { isServerName, ServerName, SERVER_NAMES } from './definitions';
import { InfraError } from './exec';

export type Command =
  | { kind: 'up'; names: ServerName[] }
  | { kind: 'down'; names: ServerName[] }
  | { kind: 'status'; json: boolean }
  | { kind: 'logs'; name: ServerName }
  | { kind: 'help' };

export const USAGE = `Usage: yarn infra <command>
  up [name...]       install what is missing, start what is stopped, wait until ready
  down [name...]     stop the servers \`yarn infra\` started
  status [--json]    name, state (ready|stopped|failed), version, address and pid of each server
  logs <name>        print a server's log
Servers: ${SERVER_NAMES.join(', ')} (default: all)`;

const usageError = (message: string) =>
  new InfraError(`${message} (see \`yarn infra help\`)`, 2);

function serverNames(args: string[]): ServerName[] {
  const unknown = args.filter(arg => !isServerName(arg));
  if (unknown.length > 0) {
    throw usageError(
      `unknown server ${unknown
        .map(n => `"${n}"`)
        .join(', ')}; known: ${SERVER_NAMES.join(', ')}`,
    );
  }
  return args.length === 0
    ? [...SERVER_NAMES]
    : [...new Set(args as ServerName[])];
}

/** Parses `yarn infra` arguments; usage mistakes throw an InfraError with exit code 2. */
export function parseArgs(argv: string[]): Command {
  const [command, ...rest] = argv;
  const options = rest.filter(arg => arg.startsWith('-'));
  const operands = rest.filter(arg => !arg.startsWith('-'));
  const allowOptions = (...allowed: string[]) => {
    const bad = options.filter(option => !allowed.includes(option));
    if (bad.length > 0)
      throw usageError(`unknown option ${bad.join(', ')} for \`${command}\``);
  };
  switch (command) {
    case 'up':
    case 'down':
      allowOptions();
      return { kind: command, names: serverNames(operands) };
    case 'status':
      allowOptions('--json');
      if (operands.length > 0)
        throw usageError('`status` takes no server names');
      return { kind: 'status', json: options.includes('--json') };
    case 'logs': {
      allowOptions();
      if (operands.length !== 1)
        throw usageError('`logs` takes exactly one server name');
      return { kind: 'logs', name: serverNames(operands)[0] };
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { kind: 'help' };
    default:
      throw usageError(`unknown command "${command}"`);
  }
}
