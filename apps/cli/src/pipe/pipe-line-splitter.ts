/**
 * Cuts the helper's stdin into runs of whole LF-terminated lines, the unit the backlog stores
 * and the shipper acknowledges. A partial line waits for its LF; a line longer than the pipe
 * protocol allows is truncated (the shipper would refuse it, and the helper would resend it
 * forever) and counted.
 */
import { PIPE_LINE_MAX_BYTES } from '@ringlog/shipper';

export interface LineRun {
  /** Whole lines, each ending in LF. */
  readonly bytes: Buffer;
  readonly lines: number;
}

const LF = 0x0a;
const LF_BYTES = Buffer.from([LF]);

export class PipeLineSplitter {
  readonly #lineMaxBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** The pending line already lost bytes beyond the limit. */
  #pendingTruncated = false;
  truncatedLines = 0;

  constructor(lineMaxBytes = PIPE_LINE_MAX_BYTES) {
    this.#lineMaxBytes = lineMaxBytes;
  }

  /** The whole lines completed by `chunk`, or null when it completed none. */
  push(chunk: Buffer): LineRun | null {
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf === -1) {
      this.#hold(chunk);
      return null;
    }
    const head = chunk.subarray(0, lastLf + 1);
    const firstTruncated = this.#pendingTruncated;
    const run = this.#pendingBytes === 0 ? head : Buffer.concat([...this.#pending, head]);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#pendingTruncated = false;
    this.#hold(chunk.subarray(lastLf + 1));
    if (firstTruncated) this.truncatedLines += 1;
    // A run no longer than the limit cannot hold an overlong line: skip the per-line scan.
    if (run.length <= this.#lineMaxBytes) return { bytes: run, lines: countLf(run) };
    return this.#truncateLines(run, firstTruncated);
  }

  /** At end of input: the last line, even without its LF (one is added). */
  end(): LineRun | null {
    if (this.#pendingBytes === 0) return null;
    const run = this.push(LF_BYTES);
    return run;
  }

  #hold(bytes: Buffer): void {
    const room = this.#lineMaxBytes - this.#pendingBytes;
    if (bytes.length > room) this.#pendingTruncated = true;
    const kept = bytes.subarray(0, Math.max(0, Math.min(room, bytes.length)));
    if (kept.length === 0) return;
    this.#pending.push(Buffer.from(kept));
    this.#pendingBytes += kept.length;
  }

  #truncateLines(run: Buffer, firstCounted: boolean): LineRun {
    const pieces: Buffer[] = [];
    let lines = 0;
    for (let start = 0; start < run.length; lines += 1) {
      const lf = run.indexOf(LF, start);
      if (lf - start > this.#lineMaxBytes) {
        pieces.push(run.subarray(start, start + this.#lineMaxBytes), LF_BYTES);
        if (!(lines === 0 && firstCounted)) this.truncatedLines += 1;
      } else {
        pieces.push(run.subarray(start, lf + 1));
      }
      start = lf + 1;
    }
    return { bytes: Buffer.concat(pieces), lines };
  }
}

function countLf(bytes: Buffer): number {
  let count = 0;
  for (let lf = bytes.indexOf(LF); lf !== -1; lf = bytes.indexOf(LF, lf + 1)) count += 1;
  return count;
}
