/**
 * Typed access to the `unix-dgram` addon (Node has no AF_UNIX datagram sockets; nginx's
 * `syslog:server=unix:` sends datagrams). Loaded on first use, so a shipper whose addon failed
 * to build still runs every other input, and says why this one cannot start.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

/** The addon reads into a buffer of this size; longer datagrams arrive cut to it. */
export const UNIX_DGRAM_RECEIVE_BYTES_MAX = 65_536;

export interface UnixDgramSocket extends EventEmitter {
  /** Emits 'listening' or 'error' synchronously. */
  bind(path: string): void;
  /** Emits 'connect' or 'error' synchronously. */
  connect(path: string): void;
  /** On a connected socket; the callback gets an Error with message 'congestion' when the peer's queue is full. */
  send(buffer: Buffer, callback?: (error?: Error) => void): void;
  /** Unconnected send. */
  send(buffer: Buffer, offset: number, length: number, path: string, callback?: (error?: Error) => void): void;
  close(): void;
}

interface UnixDgramModule {
  createSocket(type: 'unix_dgram', onMessage?: (datagram: Buffer | null) => void): UnixDgramSocket;
}

let loaded: UnixDgramModule | null = null;

/** Creates an AF_UNIX datagram socket; throws when the addon is missing or socket() fails. */
export function createUnixDgramSocket(onMessage?: (datagram: Buffer | null) => void): UnixDgramSocket {
  loaded ??= createRequire(import.meta.url)('unix-dgram') as UnixDgramModule;
  return loaded.createSocket('unix_dgram', onMessage);
}

/** Binds `socket` to `path`; rejects with the OS error. */
export function bindUnixDgram(socket: UnixDgramSocket, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.once('listening', () => {
      socket.off('error', onError);
      resolve();
    });
    socket.bind(path);
  });
}
