/**
 * LF splitting that knows how many file bytes its lines cover, so a tailed file's checkpoint
 * offset is always the byte after the last line pushed.
 *
 * Bytes after the last LF are held (copied: the caller reuses its read buffer) until their LF
 * arrives. Held bytes never exceed `lineMaxBytes`: a line that grows past it is cut into pieces
 * of `lineMaxBytes`, each pushed and committed at once, so memory stays bounded and a restart
 * continues after the last piece. A CR before LF is dropped; empty lines are skipped but their
 * bytes are committed.
 */

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface SplitResult {
  readonly lines: Buffer[];
  /** File bytes (held bytes from earlier calls included) that the returned lines account for. */
  readonly committedBytes: number;
  /** Lines that were longer than `lineMaxBytes` and had to be cut (each counted once). */
  readonly overlongLines: number;
}

export class LineSplitter {
  readonly #lineMaxBytes: number;
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** The current line already lost a piece to the bound: it is counted once, at its first cut. */
  #cutting = false;

  constructor(lineMaxBytes: number) {
    if (!Number.isSafeInteger(lineMaxBytes) || lineMaxBytes < 1) throw new RangeError(`lineMaxBytes must be a positive integer, got ${lineMaxBytes}`);
    this.#lineMaxBytes = lineMaxBytes;
  }

  /** Bytes read but not yet part of a returned line. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  push(chunk: Buffer): SplitResult {
    const out = { lines: [] as Buffer[], committedBytes: 0, overlongLines: 0 };
    let start = 0;
    while (start < chunk.length) {
      const lineFeed = chunk.indexOf(LINE_FEED, start);
      if (lineFeed === -1) {
        this.#hold(chunk.subarray(start), out);
        break;
      }
      const segment = chunk.subarray(start, lineFeed);
      const line = this.#held.length === 0 ? segment : Buffer.concat([...this.#held, segment]);
      out.committedBytes += this.#heldBytes + segment.length + 1;
      this.#held = [];
      this.#heldBytes = 0;
      const text = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, line.length - 1) : line;
      this.#emit(text, out);
      this.#cutting = false;
      start = lineFeed + 1;
    }
    return out;
  }

  /** Returns the held bytes as a last line (the file will not grow any more). */
  flush(): SplitResult {
    const out = { lines: [] as Buffer[], committedBytes: this.#heldBytes, overlongLines: 0 };
    const line = Buffer.concat(this.#held);
    this.reset();
    if (line.length > 0) out.lines.push(line);
    return out;
  }

  /** Forgets held bytes (the file was truncated: they will be read again from a copy, or are gone). */
  reset(): void {
    this.#held = [];
    this.#heldBytes = 0;
    this.#cutting = false;
  }

  #hold(rest: Buffer, out: { lines: Buffer[]; committedBytes: number; overlongLines: number }): void {
    this.#held.push(Buffer.from(rest));
    this.#heldBytes += rest.length;
    while (this.#heldBytes > this.#lineMaxBytes) {
      const all = Buffer.concat(this.#held);
      out.lines.push(all.subarray(0, this.#lineMaxBytes));
      out.committedBytes += this.#lineMaxBytes;
      if (!this.#cutting) out.overlongLines += 1;
      this.#cutting = true;
      this.#held = [all.subarray(this.#lineMaxBytes)];
      this.#heldBytes = all.length - this.#lineMaxBytes;
    }
  }

  #emit(line: Buffer, out: { lines: Buffer[]; overlongLines: number }): void {
    if (line.length <= this.#lineMaxBytes) {
      if (line.length > 0) out.lines.push(line);
      return;
    }
    if (!this.#cutting) out.overlongLines += 1;
    for (let at = 0; at < line.length; at += this.#lineMaxBytes) out.lines.push(line.subarray(at, at + this.#lineMaxBytes));
  }
}
