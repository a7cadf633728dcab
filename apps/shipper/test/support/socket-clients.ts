/**
 * Writers for the socket input tests: unix and tcp stream clients, unix datagram and UDP senders.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { constants } from 'node:os';
import { createUnixDgramSocket } from '../../src/inputs/socket-unix-dgram.ts';

/** Connects to a unix socket; retries while its accept queue is full (connect gives EAGAIN). */
export async function connectUnix(socketPath: string): Promise<net.Socket> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await connectOnce({ path: socketPath });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || attempt > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * Opens `count` connections to a unix socket in waves of `waveSize`, each wave waiting until the
 * server has accepted the last (`accepted()`): writers beyond the accept queue get EAGAIN, and a
 * storm of failing connects starves the server's accept loop.
 */
export async function connectUnixMany(socketPath: string, count: number, accepted: () => number, waveSize = 1000): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  while (sockets.length < count) {
    const wave = Array.from({ length: Math.min(waveSize, count - sockets.length) }, () => connectUnix(socketPath));
    sockets.push(...(await Promise.all(wave)));
    const deadline = Date.now() + 8_000;
    while (accepted() < sockets.length) {
      if (Date.now() > deadline) throw new Error(`server accepted ${accepted()} of ${sockets.length} connections`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  return sockets;
}

export function connectTcp(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return connectOnce({ port, host });
}

function connectOnce(options: net.NetConnectOpts): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      // A test may kill the connection from the server side; that must not crash the test.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** Resolves when the socket has closed (for whatever reason). */
export function whenClosed(socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Writes `chunks` one by one, each flushed to the kernel before the next. */
export async function writeChunks(socket: net.Socket, chunks: readonly (Buffer | string)[]): Promise<void> {
  for (const chunk of chunks) await new Promise<void>((resolve, reject) => socket.write(chunk, (error) => (error ? reject(error) : resolve())));
}

/** Writes `bytes`, half-closes, and waits for the server to close the connection. */
export async function writeAndEnd(socket: net.Socket, bytes: Buffer | string): Promise<void> {
  const closed = whenClosed(socket);
  socket.end(bytes);
  await closed;
}

/** Sends datagrams to a unix datagram socket, in order, waiting out a full receive queue. */
export async function sendUnixDgrams(socketPath: string, datagrams: readonly (Buffer | string)[]): Promise<void> {
  const socket = createUnixDgramSocket();
  socket.on('error', () => undefined);
  try {
    for (const datagram of datagrams) {
      const bytes = Buffer.isBuffer(datagram) ? datagram : Buffer.from(datagram);
      for (let attempt = 0; ; attempt += 1) {
        const error = await new Promise<Error | undefined>((resolve) => socket.send(bytes, 0, bytes.length, socketPath, resolve));
        if (error === undefined) break;
        // sendto() on a full queue: the addon reports -EAGAIN as the error code.
        const full = (error as { code?: unknown }).code === -constants.errno.EAGAIN || error.message === 'congestion';
        if (!full || attempt > 1000) throw error;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
  } finally {
    socket.close();
  }
}

/** Sends UDP datagrams to 127.0.0.1:`port`, in order. */
export async function sendUdp(port: number, datagrams: readonly (Buffer | string)[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  try {
    for (const datagram of datagrams) {
      await new Promise<void>((resolve, reject) => socket.send(datagram, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    }
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
