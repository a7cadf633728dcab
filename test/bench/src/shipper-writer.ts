/**
 * Benchmark helper process: a few writer connections to a unix socket, each writing its share
 * of the lines file as fast as the socket takes it (one write of the whole share: Node hands the
 * kernel as much as the socket buffer has room for, every time it has room).
 * Over IPC: {prepare: WriterPrepare} → {ready}; {go} → WriterDone once every share is written.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import net from 'node:net';
import type { WriterPart } from './shipper-lines.ts';

export interface WriterPrepare {
  /** The lines file. */
  readonly file: string;
  /** The unix socket to write to. */
  readonly path: string;
  readonly parts: readonly WriterPart[];
}

export interface WriterDone {
  readonly bytes: number;
  readonly failed: number;
  readonly firstError: string | null;
}

let shares: { socket: net.Socket; data: Buffer }[] = [];
let firstError: string | null = null;

function readPart(fd: number, part: WriterPart): Buffer {
  const data = Buffer.allocUnsafe(part.endByte - part.startByte);
  let done = 0;
  while (done < data.length) done += readSync(fd, data, done, data.length - done, part.startByte + done);
  return data;
}

function connectTo(path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', (error) => (firstError ??= error.message));
      resolve(socket);
    });
  });
}

async function prepare(request: WriterPrepare): Promise<void> {
  const fd = openSync(request.file, 'r');
  try {
    const data = request.parts.map((part) => readPart(fd, part));
    const sockets = await Promise.all(request.parts.map(() => connectTo(request.path)));
    shares = sockets.map((socket, i) => ({ socket, data: data[i] as Buffer }));
  } finally {
    closeSync(fd);
  }
}

async function go(): Promise<WriterDone> {
  const results = await Promise.allSettled(
    shares.map(({ socket, data }) => new Promise<number>((resolve, reject) => socket.end(data, () => (socket.errored === null ? resolve(data.length) : reject(socket.errored))))),
  );
  let bytes = 0;
  let failed = 0;
  for (const result of results) {
    if (result.status === 'fulfilled') bytes += result.value;
    else {
      failed++;
      firstError ??= String(result.reason);
    }
  }
  return { bytes, failed, firstError };
}

process.on('message', (message: { prepare?: WriterPrepare; go?: boolean }) => {
  if (message.prepare !== undefined) {
    prepare(message.prepare).then(
      () => process.send?.({ ready: true }),
      (error: unknown) => process.send?.({ ready: false, error: String(error) }),
    );
    return;
  }
  void go().then((done) => process.send?.(done));
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
