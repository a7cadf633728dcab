/** Free TCP ports on 127.0.0.1 for the inputs and admin endpoints, away from the daemons' ports. */
import net from 'node:net';

function oneFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `count` distinct free ports, none next to a daemon's: a daemon uses its port and the one
 * above for the token ring (UDP), so both neighbours are kept clear.
 */
export async function freePorts(count: number, daemonPorts: readonly number[]): Promise<number[]> {
  const taken = new Set(daemonPorts.flatMap((port) => [port - 1, port, port + 1]));
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await oneFreePort();
    if (taken.has(port)) continue;
    taken.add(port);
    ports.push(port);
  }
  return ports;
}
