import { CARRIAGE_RETURN, NEWLINE } from './bytes.ts';
import { checkBytesMax } from './decoder-options.ts';
import { SyslogOptionError } from './errors.ts';

/**
 * Newline framing (RFC 6587 §3.4.2, non-transparent): each message ends with LF; a CR before the LF
 * is dropped and empty lines are skipped.
 *
 * A line longer than `lineBytesMax` (the bytes before LF, CR included) is never buffered whole:
 * its first `lineBytesMax` bytes are delivered at once, and then, by `overlong`:
 * - `'truncate'`: the rest up to the next LF is discarded (counted in `discardedBytes`);
 * - `'split'`: the rest is delivered as further lines of at most `lineBytesMax` bytes.
 * Either way `overlongLines` counts it. Lines are views into the pushed chunks when a line lies in
 * one chunk, copies otherwise.
 */

export const NEWLINE_LINE_BYTES_MAX_DEFAULT = 65_536;

export type OverlongLinePolicy = 'truncate' | 'split';

export interface NewlineDecoderOptions {
  /** Default `NEWLINE_LINE_BYTES_MAX_DEFAULT`. */
  readonly lineBytesMax?: number;
  /** Default `'truncate'`. */
  readonly overlong?: OverlongLinePolicy;
}

export interface NewlineDecoderStats {
  readonly lines: number;
  readonly overlongLines: number;
  readonly discardedBytes: number;
}

export class NewlineDecoder {
  readonly #lineBytesMax: number;
  readonly #overlong: OverlongLinePolicy;
  #parts: Buffer[] = [];
  #partsBytes = 0;
  #discarding = false;
  #lines = 0;
  #overlongLines = 0;
  #discardedBytes = 0;

  constructor(options: NewlineDecoderOptions = {}) {
    this.#lineBytesMax = checkBytesMax('lineBytesMax', options.lineBytesMax ?? NEWLINE_LINE_BYTES_MAX_DEFAULT);
    const overlong = options.overlong ?? 'truncate';
    if (overlong !== 'truncate' && overlong !== 'split') throw new SyslogOptionError(`overlong must be 'truncate' or 'split', got ${String(overlong)}`);
    this.#overlong = overlong;
  }

  get stats(): NewlineDecoderStats {
    return { lines: this.#lines, overlongLines: this.#overlongLines, discardedBytes: this.#discardedBytes };
  }

  /** Bytes of the current partial line held in memory (never more than `lineBytesMax`). */
  get bufferedBytes(): number {
    return this.#partsBytes;
  }

  /** Feeds bytes from the stream; returns the lines completed by them, without their terminators. */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let index = 0;
    while (index < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, index);
      const end = newline < 0 ? chunk.length : newline;
      if (this.#discarding) {
        this.#discardedBytes += end - index;
        this.#discarding = newline < 0;
        index = end + 1;
        continue;
      }
      const room = this.#lineBytesMax - this.#partsBytes;
      if (end - index > room) {
        this.#parts.push(chunk.subarray(index, index + room));
        this.#emit(lines, false);
        this.#overlongLines += 1;
        this.#discarding = this.#overlong === 'truncate';
        index += room;
      } else if (newline < 0) {
        this.#parts.push(chunk.subarray(index));
        this.#partsBytes += chunk.length - index;
        index = chunk.length;
      } else {
        this.#parts.push(chunk.subarray(index, newline));
        this.#emit(lines, true);
        index = newline + 1;
      }
    }
    return lines;
  }

  /** The stream ended: returns the last line if it had no LF. */
  end(): Buffer[] {
    const lines: Buffer[] = [];
    if (!this.#discarding) this.#emit(lines, true);
    this.#discarding = false;
    this.#parts = [];
    this.#partsBytes = 0;
    return lines;
  }

  #emit(lines: Buffer[], terminated: boolean): void {
    let line = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    this.#parts = [];
    this.#partsBytes = 0;
    if (terminated && line[line.length - 1] === CARRIAGE_RETURN) line = line.subarray(0, line.length - 1);
    if (line.length === 0) return;
    lines.push(line);
    this.#lines += 1;
  }
}
