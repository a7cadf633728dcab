/**
 * Benchmark helper process: opens N idle client sessions (TCP spread over several loopback
 * source addresses, so 50,000 connections do not run out of ephemeral ports, plus the unix
 * socket) and holds them. With --raw it only connects, for the bare-server baseline.
 * Protocol over IPC: {open: {...}} → {opened, failed, firstError}; {close: true} → {closed}.
 */
import net from 'node:net';
import { raiseFileLimit } from '@ringlog/daemon';
import { encodeAuthChoice, encodeHello } from '@ringlog/wire';

interface OpenRequest {
  readonly count: number;
  readonly port: number;
  readonly unixPath: string | null;
  readonly handshake: boolean;
  readonly batch: number;
  /** Index of this holder's first session, so names stay unique across holders. */
  readonly firstIndex: number;
}

const sockets: net.Socket[] = [];
const SOURCE_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];

function openOne(request: OpenRequest, index: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const useUnix = request.unixPath !== null && index % 2 === 1;
    const socket = useUnix
      ? net.connect(request.unixPath as string)
      : net.connect({ port: request.port, host: '127.0.0.1', localAddress: SOURCE_ADDRESSES[index % SOURCE_ADDRESSES.length] });
    socket.once('error', reject);
    // A daemon out of descriptors accepts and closes at once: that is a failed session.
    socket.once('close', () => reject(new Error('closed by the server before the session opened')));
    socket.once('connect', () => {
      if (!request.handshake) return resolve(socket);
      socket.write(encodeHello({ name: `s${index}`, membership: false }));
      let seen = 0;
      let authSent = false;
      const onData = (chunk: Buffer): void => {
        seen += chunk.length;
        if (!authSent && seen >= 6) {
          authSent = true;
          socket.write(encodeAuthChoice(['NULL']));
          seen -= 6;
        }
        if (authSent && seen >= 5) {
          socket.off('data', onData);
          socket.pause();
          resolve(socket);
        }
      };
      socket.on('data', onData);
    });
  });
}

async function open(request: OpenRequest): Promise<{ opened: number; failed: number; firstError: string | null }> {
  let failed = 0;
  let firstError: string | null = null;
  for (let start = 0; start < request.count; start += request.batch) {
    const end = Math.min(request.count, start + request.batch);
    const results = await Promise.allSettled(Array.from({ length: end - start }, (_, i) => openOne(request, request.firstIndex + start + i)));
    for (const result of results) {
      if (result.status === 'fulfilled') sockets.push(result.value);
      else {
        failed++;
        firstError ??= String(result.reason);
      }
    }
  }
  return { opened: sockets.length, failed, firstError };
}

raiseFileLimit(1_048_576);
process.on('message', (message: { open?: OpenRequest; close?: boolean }) => {
  if (message.open !== undefined) {
    void open(message.open).then((reply) => process.send?.(reply));
    return;
  }
  for (const socket of sockets.splice(0)) socket.destroy();
  process.send?.({ closed: true });
  setTimeout(() => process.exit(0), 50);
});
