/**
 * Benchmark helper process for the shipper's writers benchmark: opens unix-socket connections
 * a wave at a time, each writing one line (` #<index>` at its end) as soon as it is connected,
 * and holds them open. A connection the server closes (refused over its limit) is counted.
 * Over IPC: {open: {count, path, firstIndex}} → HolderOpened; {held} → HolderHeld;
 * {close} → {closed}.
 */
import net from 'node:net';

export interface HolderOpened {
  readonly opened: number;
  readonly failed: number;
  readonly firstError: string | null;
}

export interface HolderHeld {
  /** Connections still open. */
  readonly held: number;
  /** Connections the server closed after they connected. */
  readonly closedByServer: number;
}

interface OpenRequest {
  readonly count: number;
  readonly path: string;
  readonly firstIndex: number;
}

const sockets = new Set<net.Socket>();
let closedByServer = 0;
let closing = false;

function lineFor(index: number): string {
  return `www${index % 50}.example.com 10.0.${(index >> 8) & 255}.${index & 255} - - [22/Nov/2026:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "holder" #${index}\n`;
}

function openOne(path: string, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      // A refused connection gets EPIPE or ECONNRESET on its write: counted by 'close' below.
      socket.on('error', () => undefined);
      socket.once('close', () => {
        if (!sockets.delete(socket) || closing) return;
        closedByServer++;
      });
      sockets.add(socket);
      socket.write(lineFor(index));
      resolve();
    });
  });
}

async function open(request: OpenRequest): Promise<HolderOpened> {
  const results = await Promise.allSettled(Array.from({ length: request.count }, (_, i) => openOne(request.path, request.firstIndex + i)));
  let opened = 0;
  let failed = 0;
  let firstError: string | null = null;
  for (const result of results) {
    if (result.status === 'fulfilled') opened++;
    else {
      failed++;
      firstError ??= String(result.reason);
    }
  }
  return { opened, failed, firstError };
}

process.on('message', (message: { open?: OpenRequest; held?: boolean; close?: boolean }) => {
  if (message.open !== undefined) {
    void open(message.open).then((reply) => process.send?.(reply));
    return;
  }
  if (message.held === true) {
    const reply: HolderHeld = { held: sockets.size, closedByServer };
    process.send?.(reply);
    return;
  }
  closing = true;
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  process.send?.({ closed: true });
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
