import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  groupLeader,
  isAlive,
  isOwnProcess,
  launch,
  stopProcess,
} from './processes';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter(entry => /^\d+$/.test(entry))
    .filter(entry => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        return (
          Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('server processes', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-infra-proc-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('launches a server in its own process group and stops the whole group', async () => {
    const logFile = path.join(dir, 'server.log');
    // A "server" with a worker process, like MLflow's uvicorn.
    const { pid } = launch(
      {
        file: '/bin/sh',
        args: ['-c', `echo started ${dir}; sleep 60 & wait`],
        cwd: dir,
      },
      logFile,
    );
    let workers: number[] = [];
    for (let i = 0; i < 50 && workers.length === 0; i++) {
      await sleep(20);
      workers = childrenOf(pid);
    }
    expect(workers).toHaveLength(1);
    expect(groupLeader(workers[0])).toBe(pid);
    expect(isOwnProcess(pid, dir)).toBe(true);
    expect(isOwnProcess(pid, '/somewhere/else')).toBe(false);

    await expect(
      stopProcess(pid, {
        stopSignal: 'SIGTERM',
        wholeGroup: true,
        graceMs: 5_000,
      }),
    ).resolves.toBe('stopped');
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(workers[0])).toBe(false);
    expect(fs.readFileSync(logFile, 'utf8')).toContain(`started ${dir}`);
  });

  it('kills a process that ignores the stop signal once the grace period is over', async () => {
    const { pid } = launch(
      {
        file: '/bin/sh',
        args: ['-c', "trap '' TERM; sleep 60 & wait; sleep 60"],
        cwd: dir,
      },
      path.join(dir, 'log'),
    );
    await sleep(100);
    await expect(
      stopProcess(pid, {
        stopSignal: 'SIGTERM',
        wholeGroup: false,
        graceMs: 300,
      }),
    ).resolves.toBe('killed');
    expect(isAlive(pid)).toBe(false);
  });
});
