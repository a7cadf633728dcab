/**
 * Open batches, one per destination group. A line is copied into its group's batch with a
 * trailing LF; a batch closes when the next line would not fit in `batchMaxBytes`, or when the
 * owner calls closeAll() (timer, flushToSpool, shutdown). A closed batch is a plain
 * newline-joined body, so any Spread consumer can read it.
 *
 * Copying here, rather than keeping references to input buffers, is what lets inputs reuse
 * their buffers and keeps memory bounded by groups × batchMaxBytes.
 */

export interface ClosedBatch {
  readonly group: string;
  readonly body: Buffer;
  readonly lineCount: number;
}

class OpenBatch {
  readonly buffer: Buffer;
  usedBytes = 0;
  lineCount = 0;

  constructor(batchMaxBytes: number) {
    this.buffer = Buffer.allocUnsafe(batchMaxBytes);
  }
}

export class Batcher {
  readonly #batchMaxBytes: number;
  readonly #open = new Map<string, OpenBatch>();
  readonly #emit: (batch: ClosedBatch) => void;
  #openBytes = 0;

  /** `emit` receives each closed batch, in the order lines were added per group. */
  constructor(batchMaxBytes: number, emit: (batch: ClosedBatch) => void) {
    this.#batchMaxBytes = batchMaxBytes;
    this.#emit = emit;
  }

  /** Longest line a batch can hold with its LF. */
  get lineMaxBytes(): number {
    return this.#batchMaxBytes - 1;
  }

  /** Bytes held in open batches. */
  get openBytes(): number {
    return this.#openBytes;
  }

  /** Adds one line (1..lineMaxBytes bytes, no LF). Returns true when the batch was empty before. */
  add(group: string, line: Buffer): boolean {
    let batch = this.#open.get(group);
    if (batch === undefined) {
      batch = new OpenBatch(this.#batchMaxBytes);
      this.#open.set(group, batch);
    } else if (batch.usedBytes + line.length + 1 > this.#batchMaxBytes) {
      this.#close(group, batch);
      batch = new OpenBatch(this.#batchMaxBytes);
      this.#open.set(group, batch);
    }
    const wasEmpty = batch.usedBytes === 0;
    line.copy(batch.buffer, batch.usedBytes);
    batch.buffer[batch.usedBytes + line.length] = 0x0a;
    batch.usedBytes += line.length + 1;
    batch.lineCount += 1;
    this.#openBytes += line.length + 1;
    return wasEmpty;
  }

  /**
   * Adds a block of complete LF-terminated lines (each at most lineMaxBytes + LF), cut at line
   * boundaries into as few pieces as the batches allow. Returns true when it opened a batch.
   */
  addBlock(group: string, block: Buffer, lineCount: number): boolean {
    let opened = false;
    let offset = 0;
    let linesLeft = lineCount;
    while (offset < block.length) {
      let batch = this.#open.get(group);
      if (batch === undefined) {
        batch = new OpenBatch(this.#batchMaxBytes);
        this.#open.set(group, batch);
        opened = true;
      }
      const room = this.#batchMaxBytes - batch.usedBytes;
      if (block.length - offset <= room) {
        this.#copy(batch, block, offset, block.length, linesLeft);
        return opened;
      }
      // lastIndexOf reads a negative start as counted from the end: a full batch must not search.
      const cut = room > 0 ? block.lastIndexOf(0x0a, offset + room - 1) + 1 : 0;
      if (cut > offset) {
        const lines = countNewlines(block, offset, cut);
        this.#copy(batch, block, offset, cut, lines);
        linesLeft -= lines;
        offset = cut;
      }
      this.#close(group, batch);
    }
    return opened;
  }

  #copy(batch: OpenBatch, block: Buffer, start: number, end: number, lines: number): void {
    block.copy(batch.buffer, batch.usedBytes, start, end);
    batch.usedBytes += end - start;
    batch.lineCount += lines;
    this.#openBytes += end - start;
  }

  /** Closes every non-empty batch, in group creation order. */
  closeAll(): void {
    for (const [group, batch] of this.#open) this.#close(group, batch);
    this.#open.clear();
  }

  #close(group: string, batch: OpenBatch): void {
    if (batch.usedBytes === 0) return;
    this.#openBytes -= batch.usedBytes;
    this.#open.delete(group);
    this.#emit({ group, body: batch.buffer.subarray(0, batch.usedBytes), lineCount: batch.lineCount });
  }
}

function countNewlines(bytes: Buffer, start: number, end: number): number {
  let count = 0;
  for (let index = bytes.indexOf(0x0a, start); index !== -1 && index < end; index = bytes.indexOf(0x0a, index + 1)) count += 1;
  return count;
}
