/**
 * Lines of the end-to-end benchmark: generateAccessLines output (Apache combined, vhost first,
 * 50 vhosts, seed 42), each tagged before its LF with the writer that writes it and that writer's
 * sequence number, ` #<writer>.<seq>`; in the paced (latency) phase also with the moment it was
 * written, ` #<writer>.<seq>@<µs>` (CLOCK_MONOTONIC, see monotonicMicros). From a line found in a
 * vhost file the verifier can tell which generated line it must be, so it checks each line arrived
 * once, unaltered, in its vhost's file, and each writer's lines in order within every file.
 *
 * Flood phase: writer w writes the generated lines [firstLine(w), firstLine(w + 1)) as one
 * contiguous run, so the tagged lines of all writers, one run after the other, are also the input
 * the rsyslog and syslog-ng rows get. Paced phase: writer w's line seq is base line
 * pacedBaseIndex(w, seq) of the first PACED_BASE_LINES generated lines, cycled.
 */
import { expectedStrippedBytes, generateAccessLines } from './access-lines.ts';

export const E2E_WRITERS = 20;
export const E2E_VHOSTS = 50;
export const E2E_SEED = 42;
/** Base lines the paced writers cycle through (a prefix of the same generated lines). */
export const PACED_BASE_LINES = 50_000;

const NEWLINE = 0x0a;
const SPACE = 0x20;
/** Room for ` #`, a writer id, `.` and a sequence number. */
const TAG_BYTES_MAX = 16;

/** Generated (untagged) lines, indexed: line i is buffer[starts[i], ends[i]) (its LF at ends[i]); its vhost ends at spaces[i]. */
export interface BaseLines {
  readonly buffer: Buffer;
  readonly count: number;
  readonly starts: Int32Array;
  readonly spaces: Int32Array;
  readonly ends: Int32Array;
}

/** One writer connection's contiguous run of the tagged lines. */
export interface WriterShare {
  readonly writer: number;
  readonly startByte: number;
  readonly endByte: number;
  readonly lines: number;
}

export interface E2eLines {
  /** Tagged lines, writer 0's run first. */
  readonly buffer: Buffer;
  readonly lines: number;
  readonly bytes: number;
  /** What the per-vhost files hold in total once every line is written: lines less their vhost and its space. */
  readonly expectedBytes: number;
  readonly perVhost: ReadonlyMap<string, number>;
  readonly shares: readonly WriterShare[];
  readonly base: BaseLines;
}

/** First generated line of writer w's run when `count` lines are shared by `writers`. */
export function firstLine(writer: number, count: number, writers = E2E_WRITERS): number {
  return Math.floor((writer * count) / writers);
}

/** The base line (of `baseLines`) a paced writer's line carries: writers start far apart and walk the lines. */
export function pacedBaseIndex(writer: number, seq: number, baseLines: number): number {
  return (writer * 2503 + seq) % baseLines;
}

/** CLOCK_MONOTONIC in microseconds: one clock for every process on the machine, unlike performance.now(). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Indexes newline-terminated lines. */
export function indexLines(buffer: Buffer): BaseLines {
  let count = 0;
  for (let at = buffer.indexOf(NEWLINE); at !== -1; at = buffer.indexOf(NEWLINE, at + 1)) count++;
  const starts = new Int32Array(count);
  const spaces = new Int32Array(count);
  const ends = new Int32Array(count);
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = buffer.indexOf(NEWLINE, start);
    const space = buffer.indexOf(SPACE, start);
    starts[i] = start;
    spaces[i] = space === -1 || space > end ? end : space;
    ends[i] = end;
    start = end + 1;
  }
  return { buffer, count, starts, spaces, ends };
}

/** The vhost of base line i. */
export function baseVhost(base: BaseLines, index: number): string {
  return base.buffer.toString('latin1', base.starts[index] as number, base.spaces[index] as number);
}

/** `count` lines shared by E2E_WRITERS writers, tagged; see the file comment. */
export function e2eLines(count: number): E2eLines {
  const generated = generateAccessLines({ count, vhosts: E2E_VHOSTS, seed: E2E_SEED });
  const base = indexLines(generated.buffer);
  const out = Buffer.allocUnsafe(generated.bytes + count * TAG_BYTES_MAX);
  const shares: WriterShare[] = [];
  let offset = 0;
  for (let writer = 0; writer < E2E_WRITERS; writer++) {
    const first = firstLine(writer, count);
    const last = firstLine(writer + 1, count);
    const startByte = offset;
    for (let line = first; line < last; line++) {
      offset += base.buffer.copy(out, offset, base.starts[line] as number, base.ends[line] as number);
      offset += out.write(` #${writer}.${line - first}\n`, offset, 'latin1');
    }
    if (last > first) shares.push({ writer, startByte, endByte: offset, lines: last - first });
  }
  const buffer = out.subarray(0, offset);
  return { buffer, lines: count, bytes: buffer.length, expectedBytes: expectedStrippedBytes(buffer.length, generated.perVhost), perVhost: generated.perVhost, shares, base };
}

/** The first `lines` lines of base, untagged, for the paced writers' base file. */
export function baseLinesPrefix(base: BaseLines, lines: number): Buffer {
  const n = Math.min(lines, base.count);
  return n === 0 ? Buffer.alloc(0) : base.buffer.subarray(0, (base.ends[n - 1] as number) + 1);
}
