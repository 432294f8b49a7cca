import { spawnSync } from 'node:child_process';
import path from 'node:path';

function infra(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(__dirname, 'cli.ts'), ...args],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('yarn infra (command line)', () => {
  it('rejects an unknown server name with one line on stderr and exit code 2', () => {
    const { code, stdout, stderr } = infra('up', 'postgres', 'cassandra');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      'infra: unknown server "cassandra"; known: postgres, redis, kafka, mongodb, mlflow, prometheus, s3, azurite, mailpit (see `yarn infra help`)',
    ]);
  }, 30_000);

  it('prints the usage for help', () => {
    const { code, stdout } = infra('help');
    expect(code).toBe(0);
    expect(stdout).toContain('up [name...]');
    expect(stdout).toContain('status [--json]');
  }, 30_000);
});
