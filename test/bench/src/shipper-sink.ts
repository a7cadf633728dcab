/**
 * Baseline process for the shipper benchmark: a bare Node unix-socket server that reads every
 * connection and only counts newlines, holding connections open. It is what the socket path
 * itself allows, with no batching, spool or upstream. Usage: shipper-sink.ts <path>.
 * Over IPC: {status} → SinkStatus.
 */
import { unlinkSync } from 'node:fs';
import net from 'node:net';

export interface SinkStatus {
  readonly lines: number;
  readonly bytes: number;
  readonly connections: number;
  readonly connectionsTotal: number;
}

const NEWLINE = 0x0a;
const [path] = process.argv.slice(2) as [string];
let lines = 0;
let bytes = 0;
let connections = 0;
let connectionsTotal = 0;

function onData(chunk: Buffer): void {
  bytes += chunk.length;
  for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
}

function onClose(): void {
  connections--;
}

try {
  unlinkSync(path);
} catch {
  // no stale socket
}
const server = net.createServer((socket) => {
  connections++;
  connectionsTotal++;
  socket.on('data', onData);
  socket.on('close', onClose);
  socket.on('error', () => undefined);
});
// The shipper's stream inputs listen with the same backlog.
server.listen({ path, backlog: 4096 }, () => process.send?.({ ready: true }));
process.on('message', () => {
  const status: SinkStatus = { lines, bytes, connections, connectionsTotal };
  process.send?.(status);
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
