import { InfraError, lastLine, run } from './exec';

describe('lastLine', () => {
  it("finds Maven's cause among its trailing advice", () => {
    const output = [
      '\x1b[0m\x1b[0m[ERROR] Failed to execute goal on project kafka-server: Could not find artifact org.apache.kafka:kafka_2.13:jar:0.0.0 in central -> [Help 1]',
      '[ERROR] ',
      '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
      '[ERROR] Re-run Maven using the -X switch to enable full debug logging.',
      '[ERROR] For more information about the errors and possible solutions, please read the following articles:',
      '[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/DependencyResolutionException',
    ].join('\n');
    expect(lastLine(output)).toBe(
      '[ERROR] Failed to execute goal on project kafka-server: Could not find artifact org.apache.kafka:kafka_2.13:jar:0.0.0 in central',
    );
  });

  it('prefers the exception over the generic fatal line and skips stack frames', () => {
    const output = [
      '[2026-01-01 00:00:00,000] INFO Registered kafka:type=kafka.Log4jController MBean',
      '[2026-01-01 00:00:00,100] ERROR Exiting Kafka due to fatal exception (kafka.Kafka$)',
      "java.lang.RuntimeException: Stored node id 7 doesn't match previous node id 1",
      '\tat kafka.Kafka$.main(Kafka.scala:112)',
    ].join('\n');
    expect(lastLine(output)).toBe(
      "java.lang.RuntimeException: Stored node id 7 doesn't match previous node id 1",
    );
  });

  it("finds npm's and go's causes above their trailers", () => {
    const npm = [
      'npm error code ETARGET',
      'npm error notarget No matching version found for azurite@3.0.99.',
      "npm error notarget In most cases you or one of your dependencies are requesting a package version that doesn't exist.",
      'npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log',
    ].join('\n');
    expect(lastLine(npm)).toBe(
      'npm error notarget No matching version found for azurite@3.0.99.',
    );
    const go = [
      'missing go.sum entry for module providing package github.com/versity/versitygw/cmd/versitygw; to add:',
      '\tgo mod download github.com/versity/versitygw',
    ].join('\n');
    expect(lastLine(go)).toMatch(/^missing go\.sum entry/);
  });

  it('falls back to the last line when nothing looks like an error', () => {
    expect(lastLine('one\ntwo\n\n')).toBe('two');
    expect(lastLine('')).toBe('(no output)');
  });
});

describe('run', () => {
  it('resolves with the output of a successful command', async () => {
    await expect(run('/bin/sh', ['-c', 'echo hello'])).resolves.toBe('hello\n');
  });

  it('rejects with the program, the exit code and the cause', async () => {
    const failure = run('/bin/sh', [
      '-c',
      'echo working; echo "E: Unable to locate package nosuch" >&2; exit 100',
    ]);
    await expect(failure).rejects.toBeInstanceOf(InfraError);
    await expect(failure).rejects.toThrow(
      '`sh` exited with 100: E: Unable to locate package nosuch',
    );
  });

  it('rejects when the program does not exist', async () => {
    await expect(run('no-such-program-here', [])).rejects.toThrow(
      /no-such-program-here: spawn no-such-program-here ENOENT/,
    );
  });
});
