/** TCP and unix-socket listeners for Spread clients. */
import { chmod, lstat, unlink } from 'node:fs/promises';
import net from 'node:net';
import { DaemonErrorCode, ListenError } from './errors.ts';
import type { ListenAddress } from './options.ts';

export interface BoundListener {
  readonly server: net.Server;
  readonly address: ListenAddress;
}

/** Spread makes its unix socket world-writable so any local user's client can connect. */
const UNIX_SOCKET_MODE = 0o666;
/** Connections the kernel queues before accept: bursts of reconnecting web workers fit. */
const LISTEN_BACKLOG = 4096;

export function describeAddress(address: ListenAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return address.host.includes(':') ? `tcp:[${address.host}]:${address.port}` : `tcp:${address.host}:${address.port}`;
}

/** Removes a stale socket left by a crashed daemon, but never a file that is not a socket. */
async function clearStaleSocket(path: string): Promise<void> {
  try {
    const stats = await lstat(path);
    if (!stats.isSocket()) {
      throw new ListenError(DaemonErrorCode.UNIX_PATH_NOT_SOCKET, `${path} exists and is not a socket; refusing to remove it`);
    }
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export async function bindListener(address: ListenAddress, onConnection: (socket: net.Socket) => void): Promise<BoundListener> {
  if (address.kind === 'unix') await clearStaleSocket(address.path);
  const server = net.createServer({ noDelay: true, keepAlive: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new ListenError(DaemonErrorCode.LISTEN_FAILED, `Cannot listen on ${describeAddress(address)}: ${error.message}`, { cause: error }));
    };
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (address.kind === 'unix') server.listen({ path: address.path, backlog: LISTEN_BACKLOG }, done);
    else server.listen({ host: address.host, port: address.port, backlog: LISTEN_BACKLOG }, done);
  });
  if (address.kind === 'unix') {
    await chmod(address.path, UNIX_SOCKET_MODE);
    return { server, address };
  }
  const bound = server.address() as net.AddressInfo;
  return { server, address: { kind: 'tcp', host: address.host, port: bound.port } };
}

export async function closeListener(listener: BoundListener): Promise<void> {
  await new Promise<void>((resolve) => listener.server.close(() => resolve()));
  if (listener.address.kind === 'unix') await unlink(listener.address.path).catch(() => undefined);
}
