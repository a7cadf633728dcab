/**
 * The contract between inputs and the shipper's engine.
 *
 * An input (socket, syslog, file tail, HTTP, pipe, Spread listener) turns bytes into lines and
 * pushes them with `LineIngest.push`. A line is a Buffer WITHOUT its terminator and WITHOUT any
 * LF inside (inputs split on LF; `splitLines` helps); it may hold any other bytes, invalid UTF-8
 * included. The engine copies what it keeps before `push` returns, so inputs may reuse buffers.
 * Empty lines are skipped. Overlong lines are split or truncated by the engine's policy and
 * counted on the input.
 *
 * Durability: pushed lines sit in an open batch for at most `batch.max_delay_ms`, then the batch
 * is appended to the spool (written to the kernel, so kill -9 cannot lose it). An input that
 * acknowledges lines to its writer (HTTP, the pipe helper) or checkpoints a file offset calls
 * `flushToSpool()` first: when it returns, every line pushed before is in the spool.
 *
 * Backpressure: `push` returns `paused: true` when the shipper asks inputs to stop reading
 * (spool full under `on_full: block`); stream inputs pause their sockets and wait for
 * `whenWritable()`. Lines refused by a full spool under `drop_newest` are counted on the input.
 */
import type { InputStats } from './input-stats.ts';

export interface PushOutcome {
  /** Lines of this push that were dropped (spool full, drop_newest; or the shipper is closing). */
  readonly dropped: number;
  /** True when stream inputs should stop reading until `whenWritable()` resolves. */
  readonly paused: boolean;
}

export interface InputRoute {
  /** The destination group (or the bucket prefix). */
  readonly group: string;
  /** 0 = fixed group; N = `<group>-<fnv1a(first token lowercased) % N>`. */
  readonly vhostBuckets: number;
}

/** An input as the engine knows it: its counters and where its lines go by default. */
export interface InputHandle {
  readonly name: string;
  readonly type: string;
  readonly stats: InputStats;
  readonly route: InputRoute;
}

export interface LineIngest {
  /** Registers an input; names are unique. The handle's stats are what /metrics shows. */
  registerInput(name: string, type: string, route: InputRoute): InputHandle;
  /** Pushes complete lines routed by the input's route (or `route` when given: pipe/spread writers choose a group). */
  push(input: InputHandle, lines: readonly Buffer[], route?: InputRoute): PushOutcome;
  /**
   * The stream inputs' fast path: `block` is one or more complete lines, each ending in LF, none
   * empty, none with CR before its LF, none longer than the input's line limit — exactly the
   * lines push() would be given one by one, in one Buffer. Routed by the input's route; the
   * engine copies the block in a few large pieces instead of line by line.
   */
  pushBlock(input: InputHandle, block: Buffer, lineCount: number): PushOutcome;
  /** Resolves when inputs may read again (at once when not paused). */
  whenWritable(): Promise<void>;
  /** Writes every open batch to the spool now. Lines pushed before are on disk when it returns. */
  flushToSpool(): void;
}

/** The lines of a block given to pushBlock (each without its LF). */
export function blockLines(block: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  for (let start = 0; start < block.length; ) {
    const end = block.indexOf(0x0a, start);
    lines.push(block.subarray(start, end));
    start = end + 1;
  }
  return lines;
}

/** Splits text that may hold several LF-terminated lines (CR before LF dropped, empty lines skipped). */
export function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    let stop = end;
    if (stop > start && bytes[stop - 1] === 0x0d) stop -= 1;
    if (stop > start) lines.push(bytes.subarray(start, stop));
    start = end + 1;
  }
  return lines;
}
