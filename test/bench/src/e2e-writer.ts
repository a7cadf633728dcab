/**
 * Benchmark helper process of `pnpm bench e2e`: a few writer connections to the shipper's unix
 * socket, each one writer (an Apache child, say) with its id.
 *   flood  each connection writes its share of the tagged lines file at once, as fast as the
 *          socket takes it (Node hands the kernel as much as the socket buffer has room for).
 *   paced  each connection writes `ratePerWriter` lines/s for `seconds`, lines due every ~1 ms
 *          tick, each stamped with the moment of its write: ` #<writer>.<seq>@<µs>` (e2e-lines.ts).
 * Over IPC: {flood} or {paced} → {ready}; {go} → WriterReport once every line is handed to the kernel.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import net from 'node:net';
import { indexLines, monotonicMicros, pacedBaseIndex, type BaseLines } from './e2e-lines.ts';

export interface FloodRequest {
  readonly file: string;
  readonly path: string;
  readonly shares: readonly { readonly startByte: number; readonly endByte: number }[];
}

export interface PacedRequest {
  /** The untagged base lines. */
  readonly baseFile: string;
  readonly path: string;
  readonly writers: readonly number[];
  readonly ratePerWriter: number;
  readonly seconds: number;
}

export interface WriterReport {
  /** Wall clock (performance.timeOrigin + now, ms since the epoch) just before the first write. */
  readonly firstWriteEpochMs: number;
  readonly bytes: number;
  /** Lines each writer of this process wrote (writer id → lines). */
  readonly sent: Readonly<Record<number, number>>;
  /** Paced: most bytes a connection had queued in Node, not yet taken by the kernel. */
  readonly maxQueuedBytes: number;
  /** Paced: longest gap between ticks, ms (a late tick writes more lines at once). */
  readonly maxTickGapMs: number;
  readonly failed: number;
  readonly firstError: string | null;
}

interface Connection {
  readonly writer: number;
  readonly socket: net.Socket;
  data: Buffer;
  sent: number;
}

let connections: Connection[] = [];
let paced: { base: BaseLines; ratePerWriter: number; seconds: number } | null = null;
let firstError: string | null = null;
const epochMs = (): number => performance.timeOrigin + performance.now();

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

/** Reads only this process's shares of the lines file (a quarter of it, not all 220 MB per process). */
function readShare(fd: number, share: FloodRequest['shares'][number]): Buffer {
  const data = Buffer.allocUnsafe(share.endByte - share.startByte);
  let done = 0;
  while (done < data.length) done += readSync(fd, data, done, data.length - done, share.startByte + done);
  return data;
}

async function prepareFlood(request: FloodRequest): Promise<void> {
  const fd = openSync(request.file, 'r');
  let data: Buffer[];
  try {
    data = request.shares.map((share) => readShare(fd, share));
  } finally {
    closeSync(fd);
  }
  const sockets = await Promise.all(request.shares.map(() => connectTo(request.path)));
  connections = sockets.map((socket, i) => ({ writer: i, socket, data: data[i] as Buffer, sent: 0 }));
}

async function preparePaced(request: PacedRequest): Promise<void> {
  paced = { base: indexLines(readFileSync(request.baseFile)), ratePerWriter: request.ratePerWriter, seconds: request.seconds };
  const sockets = await Promise.all(request.writers.map(() => connectTo(request.path)));
  connections = sockets.map((socket, i) => ({ writer: request.writers[i] as number, socket, data: Buffer.alloc(0), sent: 0 }));
}

function ended(socket: net.Socket, data?: Buffer): Promise<boolean> {
  return new Promise((resolve) => socket.end(data ?? Buffer.alloc(0), () => resolve(socket.errored === null)));
}

async function goFlood(): Promise<WriterReport> {
  const firstWriteEpochMs = epochMs();
  const results = await Promise.all(connections.map(({ socket, data }) => ended(socket, data)));
  const sent: Record<number, number> = {};
  return { firstWriteEpochMs, bytes: connections.reduce((sum, c) => sum + c.data.length, 0), sent, maxQueuedBytes: 0, maxTickGapMs: 0, failed: results.filter((ok) => !ok).length, firstError };
}

/** The lines connection c owes up to `due`, stamped now. */
function pacedChunk(c: Connection, due: number, base: BaseLines): Buffer {
  const stamp = monotonicMicros();
  const pieces: Buffer[] = [];
  for (; c.sent < due; c.sent++) {
    const index = pacedBaseIndex(c.writer, c.sent, base.count);
    pieces.push(base.buffer.subarray(base.starts[index] as number, base.ends[index] as number), Buffer.from(` #${c.writer}.${c.sent}@${stamp}\n`, 'latin1'));
  }
  return Buffer.concat(pieces);
}

async function goPaced(): Promise<WriterReport> {
  const { base, ratePerWriter, seconds } = paced as NonNullable<typeof paced>;
  const total = Math.floor(ratePerWriter * seconds);
  const firstWriteEpochMs = epochMs();
  const startedNs = process.hrtime.bigint();
  let bytes = 0;
  let maxQueuedBytes = 0;
  let maxTickGapMs = 0;
  let lastTick = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      maxTickGapMs = Math.max(maxTickGapMs, now - lastTick);
      lastTick = now;
      const elapsedSec = Number(process.hrtime.bigint() - startedNs) / 1e9;
      const due = Math.min(total, Math.floor(elapsedSec * ratePerWriter) + 1);
      for (const c of connections) {
        if (c.sent >= due) continue;
        const chunk = pacedChunk(c, due, base);
        bytes += chunk.length;
        c.socket.write(chunk);
        maxQueuedBytes = Math.max(maxQueuedBytes, c.socket.writableLength);
      }
      if (due >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });
  const results = await Promise.all(connections.map(({ socket }) => ended(socket)));
  const sent: Record<number, number> = {};
  for (const c of connections) sent[c.writer] = c.sent;
  return { firstWriteEpochMs, bytes, sent, maxQueuedBytes, maxTickGapMs, failed: results.filter((ok) => !ok).length, firstError };
}

process.on('message', (message: { flood?: FloodRequest; paced?: PacedRequest; go?: boolean }) => {
  if (message.flood !== undefined || message.paced !== undefined) {
    const prepared = message.flood !== undefined ? prepareFlood(message.flood) : preparePaced(message.paced as PacedRequest);
    prepared.then(
      () => process.send?.({ ready: true }),
      (error: unknown) => process.send?.({ ready: false, error: String(error) }),
    );
    return;
  }
  void (paced === null ? goFlood() : goPaced()).then((report) => process.send?.(report));
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
