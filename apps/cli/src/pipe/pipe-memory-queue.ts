/**
 * The newest part of the helper's backlog, in memory: chunks of whole LF-terminated lines,
 * each with its offset in the helper's logical byte stream. The sender reads by offset;
 * acknowledgements drop whole chunks from the front; a full buffer moves its oldest chunks to
 * the spool file. Chunks are stdin reads (≤ 64 KiB), so the queue holds few entries per MiB.
 */

interface Chunk {
  readonly start: number;
  readonly bytes: Buffer;
}

/** Drop consumed entries from the array once this many have piled up at its head. */
const HEAD_COMPACT_ENTRIES = 1024;

export class PipeMemoryQueue {
  #chunks: Chunk[] = [];
  #head = 0;
  #start: number;
  #bytes = 0;

  /** `start` is the logical offset of the first byte that will be pushed. */
  constructor(start: number) {
    this.#start = start;
  }

  /** Logical offset of the first byte held (or of the next push when empty). */
  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#start + this.#bytes;
  }

  /** Bytes held, the acknowledged part of the first chunk included. */
  get bytes(): number {
    return this.#bytes;
  }

  get empty(): boolean {
    return this.#bytes === 0;
  }

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#chunks.push({ start: this.end, bytes });
    this.#bytes += bytes.length;
  }

  /** The oldest chunk, or undefined. */
  front(): Buffer | undefined {
    return this.#chunks[this.#head]?.bytes;
  }

  /** Removes the oldest chunk. */
  shift(): void {
    const chunk = this.#chunks[this.#head];
    if (chunk === undefined) return;
    this.#head += 1;
    this.#bytes -= chunk.bytes.length;
    this.#start += chunk.bytes.length;
    if (this.#head >= HEAD_COMPACT_ENTRIES) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Drops every chunk that ends at or before `offset`. */
  dropBefore(offset: number): void {
    for (let chunk = this.#chunks[this.#head]; chunk !== undefined && chunk.start + chunk.bytes.length <= offset; chunk = this.#chunks[this.#head]) this.shift();
  }

  /** Up to `maxBytes` from `offset` (within one chunk). */
  read(offset: number, maxBytes: number): Buffer {
    if (offset < this.#start || offset >= this.end) throw new RangeError(`Offset ${offset} outside memory ${this.#start}..${this.end}`);
    let low = this.#head;
    let high = this.#chunks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.#chunks[middle] as Chunk).start <= offset) low = middle;
      else high = middle - 1;
    }
    const chunk = this.#chunks[low] as Chunk;
    const from = offset - chunk.start;
    return chunk.bytes.subarray(from, Math.min(chunk.bytes.length, from + maxBytes));
  }
}
