import fs from 'node:fs';

export interface PortHolder {
  port: number;
  /** Undefined when the socket's owner is not visible (another user namespace or a kernel socket). */
  pid?: number;
  command?: string;
}

const TCP_LISTEN = '0A';

/** Socket inodes listening on `port` (any local address), read from a /proc/net/tcp-style table. */
export function listeningInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [, localAddress, , state, , , , , , inode] = fields;
    const localPort = parseInt(localAddress.split(':').pop() ?? '', 16);
    if (state === TCP_LISTEN && localPort === port) inodes.push(inode);
  }
  return inodes;
}

export function commandLine(pid: number): string | undefined {
  try {
    return fs
      .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .join(' ');
  } catch {
    return undefined;
  }
}

function readTable(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function pidOwningSocket(inodes: Set<string>): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(target);
        if (match && inodes.has(match[1])) return Number(entry);
      } catch {
        // The descriptor closed while we looked; skip it.
      }
    }
  }
  return undefined;
}

/** Who listens on a TCP port on this machine, if anyone (IPv4 or IPv6, any address). */
export function findPortHolder(port: number): PortHolder | undefined {
  const inodes = [
    ...listeningInodes(readTable('/proc/net/tcp'), port),
    ...listeningInodes(readTable('/proc/net/tcp6'), port),
  ];
  if (inodes.length === 0) return undefined;
  const pid = pidOwningSocket(new Set(inodes));
  return {
    port,
    pid,
    command: pid === undefined ? undefined : commandLine(pid),
  };
}

export function describeHolder(holder: PortHolder): string {
  if (holder.pid === undefined) return 'a process this user cannot see';
  const command = holder.command ?? '?';
  return `pid ${holder.pid} (${
    command.length > 120 ? `${command.slice(0, 117)}...` : command
  })`;
}
