import { parseArgs } from './args';
import { InfraError } from './exec';

function usageError(argv: string[]): InfraError {
  try {
    parseArgs(argv);
  } catch (error) {
    return error as InfraError;
  }
  throw new Error(`parseArgs(${argv.join(' ')}) did not fail`);
}

describe('parseArgs', () => {
  it('defaults `up` and `down` to every server, in a stable order', () => {
    expect(parseArgs(['up'])).toEqual({
      kind: 'up',
      names: [
        'postgres',
        'redis',
        'kafka',
        'mongodb',
        'mlflow',
        'prometheus',
        's3',
        'azurite',
        'mailpit',
      ],
    });
    expect(parseArgs(['down', 'redis', 'redis', 'kafka'])).toEqual({
      kind: 'down',
      names: ['redis', 'kafka'],
    });
  });

  it('reads status --json and logs <name>', () => {
    expect(parseArgs(['status', '--json'])).toEqual({
      kind: 'status',
      json: true,
    });
    expect(parseArgs(['status'])).toEqual({ kind: 'status', json: false });
    expect(parseArgs(['logs', 'mongodb'])).toEqual({
      kind: 'logs',
      name: 'mongodb',
    });
    expect(parseArgs([])).toEqual({ kind: 'help' });
  });

  it.each([
    [
      ['up', 'postgres', 'mysql'],
      /unknown server "mysql"; known: postgres, redis, kafka, mongodb, mlflow, prometheus/,
    ],
    [['start'], /unknown command "start"/],
    [['logs'], /`logs` takes exactly one server name/],
    [['logs', 'redis', 'kafka'], /`logs` takes exactly one server name/],
    [['status', '--yaml'], /unknown option --yaml for `status`/],
    [['up', '--force'], /unknown option --force for `up`/],
  ])('rejects %j with exit code 2 and a one-line cause', (argv, message) => {
    const error = usageError(argv);
    expect(error).toBeInstanceOf(InfraError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });
});
