import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverDefinitions } from '../definitions';
import { InfraError } from '../exec';
import { mailpitDriver } from './mailpit';
import type { ServerContext } from './types';

let scratch: string;

beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mailpit-driver-'));
});

afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

function context(version = serverDefinitions().mailpit.version): ServerContext {
  const dir = path.join(scratch, 'mailpit');
  return {
    def: { ...serverDefinitions().mailpit, version },
    repoRoot: scratch,
    dir,
    dataDir: path.join(dir, 'data'),
    logDir: path.join(dir, 'log'),
    logFile: path.join(dir, 'log', 'mailpit.log'),
    installLogFile: path.join(scratch, 'install.log'),
    pidFile: path.join(dir, 'pid'),
    host: '127.0.0.1',
    ports: { main: 18025, smtp: 11025 },
  };
}

describe('the Mailpit driver', () => {
  it('counts as installed only with a binary stamped with the pinned version, so a new pin rebuilds', () => {
    const ctx = context();
    expect(mailpitDriver.isInstalled(ctx)).toBe(false);
    fs.mkdirSync(path.join(ctx.dir, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(ctx.dir, 'bin', 'mailpit'), '');
    fs.writeFileSync(path.join(ctx.dir, 'bin', 'version'), 'v1.0.0\n');
    expect(mailpitDriver.isInstalled(ctx)).toBe(false);
    fs.writeFileSync(
      path.join(ctx.dir, 'bin', 'version'),
      `v${ctx.def.version}\n`,
    );
    expect(mailpitDriver.isInstalled(ctx)).toBe(true);
  });

  it('listens on loopback only, SMTP and HTTP on their own ports, and writes both to infra.env', () => {
    const ctx = context();
    const { args } = mailpitDriver.command(ctx);
    expect(args.slice(0, 4)).toEqual([
      '--listen',
      '127.0.0.1:18025',
      '--smtp',
      '127.0.0.1:11025',
    ]);
    expect(args).toContain('--disable-version-check');
    expect(mailpitDriver.envEntries(ctx)).toEqual({
      SMTP_URL: 'smtp://127.0.0.1:11025',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '11025',
      MAILPIT_URL: 'http://127.0.0.1:18025',
    });
  });

  it('leaves no partial install behind when go install fails', async () => {
    const ctx = context('0.0.99');
    fs.mkdirSync(ctx.dir, { recursive: true });
    const error = await mailpitDriver.install!(ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InfraError);
    expect((error as Error).message).toMatch(/^`go install` exited with 1: /);
    expect(fs.readFileSync(ctx.installLogFile, 'utf8')).toContain(
      'github.com/axllent/mailpit@v0.0.99',
    );
    expect(fs.existsSync(path.join(ctx.dir, 'bin'))).toBe(false);
  }, 120_000);
});
