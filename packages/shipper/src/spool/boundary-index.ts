/**
 * Record boundaries the spool handed out through read(): each record's endOffset with the
 * sequence number of the record after it. ack() looks offsets up here to learn how many records
 * it acknowledges (pendingRecords needs no scan) and to refuse offsets that are not boundaries,
 * even after the cache evicted the record or when the next bytes on disk are corrupt.
 *
 * Entries stay sorted (only offsets past the last one are added) and are dropped once acked.
 * The index is bounded: when full it stops adding, and ack() falls back to reading the record
 * header on disk.
 */

const COMPACT_MIN_DEAD = 1024;

export class BoundaryIndex {
  readonly #maxEntries: number;
  #ends: number[] = [];
  #seqs: number[] = [];
  #head = 0;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get count(): number {
    return this.#ends.length - this.#head;
  }

  /** Records that `endOffset` is a boundary and `seqAfter` the sequence number of the record there. */
  add(endOffset: number, seqAfter: number): void {
    if (this.count >= this.#maxEntries) return;
    const last = this.#ends[this.#ends.length - 1];
    if (last !== undefined && endOffset <= last) return;
    this.#ends.push(endOffset);
    this.#seqs.push(seqAfter);
  }

  /** The sequence number at boundary `offset`, or undefined when it is not a known boundary. */
  seqAt(offset: number): number | undefined {
    let low = this.#head;
    let high = this.#ends.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#ends[middle] as number) < offset) low = middle + 1;
      else high = middle;
    }
    return this.#ends[low] === offset ? this.#seqs[low] : undefined;
  }

  /** Forgets boundaries at or below `offset`. */
  dropThrough(offset: number): void {
    while (this.#head < this.#ends.length && (this.#ends[this.#head] as number) <= offset) this.#head += 1;
    if (this.#head === this.#ends.length) {
      this.#ends = [];
      this.#seqs = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_MIN_DEAD && this.#head * 2 >= this.#ends.length) {
      this.#ends = this.#ends.slice(this.#head);
      this.#seqs = this.#seqs.slice(this.#head);
      this.#head = 0;
    }
  }
}
