import net from 'node:net';

/**
 * A loopback port nothing listens on right now: for a process a test or benchmark is about to start, or as the
 * address of a dependency that is down (connections are refused). The port is released before it is returned.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
