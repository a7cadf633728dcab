/**
 * Real-socket helpers for the transport tests: transports on 127.0.0.1 port 0 wired to one
 * another once their ports are known, raw sockets that record what they receive, and polling.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { DaemonName, RingPacket } from '../../src/packets.ts';
import { type UdpEndpoint, UdpRingTransport, type UdpRingTransportOptions } from '../../src/udp-transport.ts';

export const KEY = Buffer.from('segment-key-for-tests-0123456789');
export const OTHER_KEY = Buffer.from('segment-key-for-tests-0123456788');

export interface TestNode {
  readonly name: DaemonName;
  readonly transport: UdpRingTransport;
  readonly received: { from: DaemonName; packet: RingPacket }[];
  readonly endpoint: UdpEndpoint;
}

/** Everything a test opened, closed by `closeAll` in afterEach. */
const open: { transports: UdpRingTransport[]; sockets: Socket[] } = { transports: [], sockets: [] };

export async function closeAll(): Promise<void> {
  await Promise.all(open.transports.splice(0).map((transport) => transport.close()));
  for (const socket of open.sockets.splice(0)) {
    try {
      socket.close();
    } catch {
      // Closed by the test already.
    }
  }
}

type NodeOptions = Partial<Omit<UdpRingTransportOptions, 'onPacket' | 'selfName'>>;

/** A started transport named `name`; its peers are set by `connect`. */
export async function startNode(name: DaemonName, options: NodeOptions = {}): Promise<TestNode> {
  const received: TestNode['received'] = [];
  const transport = new UdpRingTransport({
    selfName: name,
    incarnation: 1,
    key: KEY,
    bind: { address: '127.0.0.1', port: 0 },
    peers: new Map(),
    mode: 'unicast',
    ...options,
    onPacket: (from, packet) => received.push({ from, packet }),
  });
  open.transports.push(transport);
  await transport.start();
  const bound = transport.address();
  const endpoint = { address: bound.address === '0.0.0.0' ? '127.0.0.1' : bound.address, port: bound.port };
  return { name, transport, received, endpoint };
}

/** Makes every node a peer of every other (and of itself, as a daemon's configuration would). */
export function connect(nodes: readonly TestNode[]): Map<DaemonName, UdpEndpoint> {
  const peers = new Map(nodes.map((node) => [node.name, node.endpoint] as const));
  for (const node of nodes) node.transport.setPeers(peers);
  return peers;
}

export interface RawSocket {
  readonly socket: Socket;
  readonly endpoint: UdpEndpoint;
  readonly received: Buffer[];
  send(bytes: Uint8Array, to: UdpEndpoint): Promise<void>;
}

export async function rawSocket(address = '127.0.0.1'): Promise<RawSocket> {
  const socket = createSocket('udp4');
  open.sockets.push(socket);
  const received: Buffer[] = [];
  socket.on('message', (bytes) => received.push(bytes));
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return {
    socket,
    endpoint: { address, port: socket.address().port },
    received,
    send: (bytes, to) => new Promise((resolve, reject) => socket.send(bytes, to.port, to.address, (error) => (error ? reject(error) : resolve()))),
  };
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether this host delivers a datagram sent to `group` back to two sockets on its port. */
export async function groupDeliveryWorks(setup: (socket: Socket) => void, group: string): Promise<boolean> {
  const sockets = [createSocket({ type: 'udp4', reuseAddr: true }), createSocket({ type: 'udp4', reuseAddr: true })];
  let got = 0;
  try {
    await new Promise<void>((resolve) => sockets[0]!.bind(0, '0.0.0.0', resolve));
    const port = sockets[0]!.address().port;
    await new Promise<void>((resolve) => sockets[1]!.bind(port, '0.0.0.0', resolve));
    for (const socket of sockets) {
      socket.on('message', () => got++);
      setup(socket);
    }
    await new Promise<void>((resolve) => sockets[0]!.send('probe', port, group, () => resolve()));
    const deadline = Date.now() + 300;
    while (got < 2 && Date.now() < deadline) await sleep(5);
  } catch {
    return false;
  } finally {
    for (const socket of sockets) socket.close();
  }
  return got >= 2;
}
