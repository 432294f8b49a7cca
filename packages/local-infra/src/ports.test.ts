import net from 'node:net';
import { describeHolder, findPortHolder, listeningInodes } from './ports';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 41001 1 0000000000000000 100 0 0 10 0
   1: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41002 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1538 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000   101        0 41003 1 0000000000000000 20 4 30 10 -1
`;

describe('listeningInodes', () => {
  it('finds listening sockets by port and ignores established connections', () => {
    expect(listeningInodes(TABLE, 5432)).toEqual(['41001']);
    expect(listeningInodes(TABLE, 6379)).toEqual(['41002']);
    expect(listeningInodes(TABLE, 9092)).toEqual([]);
  });
});

describe('findPortHolder', () => {
  let server: net.Server;
  let port: number;

  beforeAll(async () => {
    server = net.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  it('names the process listening on a port', () => {
    const holder = findPortHolder(port);
    expect(holder).toMatchObject({ port, pid: process.pid });
    expect(describeHolder(holder!)).toContain(`pid ${process.pid} (`);
  });

  it('returns nothing for a free port', async () => {
    const probe = net.createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    const freePort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>(resolve => probe.close(() => resolve()));
    expect(findPortHolder(freePort)).toBeUndefined();
  });
});
