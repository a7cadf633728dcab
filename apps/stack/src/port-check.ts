/**
 * Before anything starts: every port the stack needs must be free, and no other stack may be
 * serving this directory's unix sockets. Checking first names the port and its use in one clear
 * message, instead of a half-started stack and a bind error deep in one service's log.
 */
import dgram from 'node:dgram';
import { lstat } from 'node:fs/promises';
import net from 'node:net';
import { StackError, StackErrorCode } from './errors.ts';
import { HOST, type StackLayout } from './stack-layout.ts';

export interface PortUse {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  /** What the port is for: "d1's clients". */
  readonly use: string;
  /** The option that changes it. */
  readonly option: string;
}

/** Every port of the stack, with what it is for. */
export function stackPortUses(layout: StackLayout): PortUse[] {
  const uses: PortUse[] = [];
  for (const daemon of layout.daemons) {
    uses.push({ port: daemon.port, protocol: 'tcp', use: `${daemon.name}'s clients`, option: '--daemon-ports' });
    uses.push({ port: daemon.port, protocol: 'udp', use: `${daemon.name}'s ring packets`, option: '--daemon-ports' });
    uses.push({ port: daemon.port + 1, protocol: 'udp', use: `${daemon.name}'s ring token`, option: '--daemon-ports' });
  }
  const { ports } = layout;
  uses.push({ port: ports.shipperAdmin, protocol: 'tcp', use: "the shipper's admin HTTP", option: '--shipper-admin-port' });
  uses.push({ port: ports.collectorAdmin, protocol: 'tcp', use: "the collector's admin HTTP", option: '--collector-admin-port' });
  uses.push({ port: ports.tcpInput, protocol: 'tcp', use: "the shipper's TCP input", option: '--tcp-input-port' });
  uses.push({ port: ports.httpInput, protocol: 'tcp', use: "the shipper's HTTP input", option: '--http-input-port' });
  return uses;
}

/** Throws StackError(PORT_IN_USE) naming the first taken port. */
export async function assertPortsFree(layout: StackLayout): Promise<void> {
  for (const use of stackPortUses(layout)) {
    const problem = use.protocol === 'tcp' ? await tcpBindProblem(use.port) : await udpBindProblem(use.port);
    if (problem === undefined) continue;
    const how = problem.code === 'EADDRINUSE' ? 'is in use' : `cannot be bound (${problem.message})`;
    throw new StackError(
      StackErrorCode.PORT_IN_USE,
      `port ${use.port} (${use.protocol.toUpperCase()} on ${HOST}, for ${use.use}) ${how}; stop whatever holds it (ss -lnp 'sport = :${use.port}' shows it) or choose another with ${use.option}`,
      { cause: problem },
    );
  }
}

/** Throws StackError(SOCKET_IN_USE) when one of the stack's unix sockets answers. */
export async function assertSocketsFree(layout: StackLayout): Promise<void> {
  const sockets = [...layout.daemons.map((daemon) => daemon.socket), layout.accessSocket, layout.pipeSocket];
  for (const socket of sockets) {
    if (!(await isSocketFile(socket)) || !(await answers(socket))) continue;
    throw new StackError(StackErrorCode.SOCKET_IN_USE, `${socket} answers: another ringlog stack (or service) runs in ${layout.dir}; stop it, or start this one with --dir elsewhere`);
  }
}

function tcpBindProblem(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

function udpBindProblem(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(error);
    });
    socket.bind({ address: HOST, port, exclusive: true }, () => socket.close(() => resolve(undefined)));
  });
}

async function isSocketFile(file: string): Promise<boolean> {
  const stats = await lstat(file).catch(() => null);
  return stats?.isSocket() ?? false;
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
