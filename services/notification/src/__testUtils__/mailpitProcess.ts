import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stateRoot } from '@platform/local-infra';
import { eventually, freePort } from '@platform/service-kit/testing';

/**
 * A Mailpit of the test's own, from the binary `yarn infra up` built, so a test can take SMTP down and bring it
 * back without touching the shared one. Same ports and mailbox across restarts.
 */
export async function mailpitProcess() {
  const binary = path.join(stateRoot(), 'infra', 'mailpit', 'bin', 'mailpit');
  if (!fs.existsSync(binary))
    throw new Error(`${binary} not found: run \`yarn infra up\` first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notification-mailpit-'));
  const smtpPort = await freePort();
  const httpPort = await freePort();
  const apiUrl = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      binary,
      [
        '--listen',
        `127.0.0.1:${httpPort}`,
        '--smtp',
        `127.0.0.1:${smtpPort}`,
        '--database',
        path.join(dir, 'mailpit.db'),
        '--smtp-auth-accept-any',
        '--smtp-auth-allow-insecure',
        '--disable-version-check',
        '--quiet',
      ],
      { stdio: 'ignore' },
    );
    await eventually(
      async () =>
        (await fetch(`${apiUrl}/api/v1/info`)).ok ? true : undefined,
      10_000,
      'Mailpit up',
    );
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>(resolve => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    apiUrl,
    start,
    stop,
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
