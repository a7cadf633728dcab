/**
 * Benchmark helper process of `pnpm bench e2e`, the latency probe of the paced phase: follows the
 * collector's per-vhost files from their current end and, for every Nth line of each writer
 * (seq % sampleEvery === 0) that carries a write stamp (` #<writer>.<seq>@<µs>`), records the
 * time from that stamp until the line could be read from the file.
 *
 * A file is read when inotify says it changed (fs.watch on each file), so the figure is the
 * collector's write plus the notification (tens of µs), not a poll interval. A 100 ms sweep of
 * every file backs inotify up; it is counted when it finds lines first (it then reads them no
 * later than their inotify event would have; a line whose event was lost would carry up to 100 ms
 * of probe delay, so a large count would say the figures are too high). Every line is read and
 * counted; only the sampled ones have their stamp parsed.
 * Over IPC: {watch: {files, sampleEvery}} → {watching}; {status} → {lines}; {stop} → ProbeReport.
 */
import { closeSync, fstatSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { monotonicMicros } from './e2e-lines.ts';

export interface ProbeReport {
  readonly lines: number;
  /** Latencies in microseconds of the sampled lines, in the order read. */
  readonly samplesMicros: readonly number[];
  /** The write stamp (CLOCK_MONOTONIC µs) of each sample, same order. */
  readonly sampleStampsMicros: readonly number[];
  readonly linesFoundBySweep: number;
  readonly reads: number;
}

const NEWLINE = 0x0a;
const HASH = 0x23;
const DOT = 0x2e;
const AT = 0x40;
const SWEEP_MS = 100;
const READ_BYTES = 1 << 20;

interface Followed {
  readonly fd: number;
  offset: number;
  /** A partial last line, kept until its LF arrives. */
  pending: Buffer;
  watcher: FSWatcher | null;
}

const followed: Followed[] = [];
const samples: number[] = [];
const stamps: number[] = [];
const chunk = Buffer.allocUnsafe(READ_BYTES);
let sampleEvery = 10;
let lines = 0;
let linesFoundBySweep = 0;
let reads = 0;
let sweepTimer: NodeJS.Timeout | null = null;

/** Parses ` #<writer>.<seq>@<µs>` at the end of line [start, end); samples it when seq is a multiple of sampleEvery. */
function sample(data: Buffer, start: number, end: number, nowMicros: number): void {
  const hash = data.lastIndexOf(HASH, end);
  if (hash < start) return;
  let at = data.indexOf(DOT, hash);
  if (at === -1 || at >= end) return;
  let seq = 0;
  for (at++; at < end && data[at] !== AT; at++) seq = seq * 10 + ((data[at] as number) - 0x30);
  if (at >= end || seq % sampleEvery !== 0) return;
  let stamp = 0;
  for (at++; at < end; at++) stamp = stamp * 10 + ((data[at] as number) - 0x30);
  samples.push(nowMicros - stamp);
  stamps.push(stamp);
}

function consume(file: Followed, data: Buffer, bySweep: boolean): void {
  const nowMicros = monotonicMicros();
  const joined = file.pending.length > 0 ? Buffer.concat([file.pending, data]) : data;
  let start = 0;
  for (let end = joined.indexOf(NEWLINE); end !== -1; start = end + 1, end = joined.indexOf(NEWLINE, start)) {
    lines++;
    if (bySweep) linesFoundBySweep++;
    sample(joined, start, end, nowMicros);
  }
  file.pending = Buffer.from(joined.subarray(start));
}

function readNew(file: Followed, bySweep: boolean): void {
  for (;;) {
    const n = readSync(file.fd, chunk, 0, READ_BYTES, file.offset);
    reads++;
    if (n === 0) return;
    file.offset += n;
    consume(file, chunk.subarray(0, n), bySweep);
  }
}

function start(files: readonly string[]): void {
  for (const path of files) {
    const fd = openSync(path, 'r');
    const file: Followed = { fd, offset: fstatSync(fd).size, pending: Buffer.alloc(0), watcher: null };
    file.watcher = watch(path, { persistent: true }, () => readNew(file, false));
    followed.push(file);
  }
  sweepTimer = setInterval(() => followed.forEach((file) => readNew(file, true)), SWEEP_MS);
}

function stop(): ProbeReport {
  if (sweepTimer !== null) clearInterval(sweepTimer);
  for (const file of followed.splice(0)) {
    file.watcher?.close();
    closeSync(file.fd);
  }
  return { lines, samplesMicros: samples, sampleStampsMicros: stamps, linesFoundBySweep, reads };
}

process.on('message', (message: { watch?: { files: string[]; sampleEvery: number }; status?: boolean; stop?: boolean }) => {
  if (message.watch !== undefined) {
    sampleEvery = message.watch.sampleEvery;
    start(message.watch.files);
    process.send?.({ watching: true });
    return;
  }
  if (message.stop === true) {
    process.send?.(stop());
    return;
  }
  process.send?.({ lines });
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
