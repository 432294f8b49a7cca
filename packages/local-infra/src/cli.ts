import fs from 'node:fs';
import { parseArgs, USAGE } from './args';
import { InfraError, stopRunningCommands } from './exec';
import { Infra, ServerStatus } from './infra';

function printStatusTable(statuses: ServerStatus[]) {
  const rows = statuses.map(s => [
    s.name,
    s.state,
    s.version,
    s.address,
    s.pid === null ? '-' : String(s.pid),
    s.detail ?? '',
  ]);
  const header = ['NAME', 'STATE', 'VERSION', 'ADDRESS', 'PID', ''];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  for (const row of [header, ...rows]) {
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}

// kafkajs 2.2 schedules timers with negative delays, which Node 24 reports on every run; the
// clamp to 1 ms is what kafkajs expects, so that one warning is noise.
process.removeAllListeners('warning');
process.on('warning', warning => {
  if (warning.name !== 'TimeoutNegativeWarning')
    process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const infra = new Infra();
  switch (command.kind) {
    case 'up': {
      const interrupt = (signal: NodeJS.Signals) => {
        stopRunningCommands();
        void infra
          .abortStarting()
          .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      };
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      await infra.up(command.names);
      return 0;
    }
    case 'down':
      await infra.down(command.names);
      return 0;
    case 'status': {
      const statuses = await infra.status();
      if (command.json)
        process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
      else printStatusTable(statuses);
      return 0;
    }
    case 'logs': {
      const file = infra.logFile(command.name);
      if (!fs.existsSync(file))
        throw new InfraError(
          `${command.name}: no log yet (${file}); it has never been started`,
        );
      process.stdout.write(fs.readFileSync(file));
      return 0;
    }
    default:
      return 0;
  }
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (error: unknown) => {
    if (error instanceof InfraError) {
      process.stderr.write(
        `${error.message
          .split('\n')
          .map(line => `infra: ${line}`)
          .join('\n')}\n`,
      );
      process.exit(error.exitCode);
    }
    process.stderr.write(
      `infra: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exit(1);
  },
);
