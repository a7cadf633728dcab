/**
 * The most recent records, in memory, so the sender reads fresh data without touching the disk.
 * It always holds a contiguous run ending at the spool's endOffset: appends push at the back,
 * the oldest are evicted once over `maxBytes`, and acked records are dropped from the front.
 * Sizes count record bytes on disk, the same unit as offsets.
 */
import type { StoredRecord } from './spool-record.ts';

/** Compact the backing array once this many slots at its front are dead (and they are the majority). */
const COMPACT_MIN_DEAD = 1024;

export class RecordCache {
  readonly #maxBytes: number;
  #records: StoredRecord[] = [];
  #head = 0;
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get count(): number {
    return this.#records.length - this.#head;
  }

  /** Offset of the oldest cached record, or undefined when empty. */
  get firstOffset(): number | undefined {
    return this.#records[this.#head]?.offset;
  }

  /** Adds the newest record (its offset must be the previous newest's endOffset), then evicts. */
  push(record: StoredRecord): void {
    this.#records.push(record);
    this.#bytes += record.endOffset - record.offset;
    while (this.#bytes > this.#maxBytes) this.#removeFirst();
    this.#compact();
  }

  /** Drops records that end at or below `offset` (they are acked). */
  dropThrough(offset: number): void {
    let first = this.#records[this.#head];
    while (first !== undefined && first.endOffset <= offset) {
      this.#removeFirst();
      first = this.#records[this.#head];
    }
    this.#compact();
  }

  clear(): void {
    this.#records = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  /** Position (for `at`) of the first record starting at or after `offset`; `end` when none. */
  lowerBound(offset: number): number {
    let low = this.#head;
    let high = this.#records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#records[middle] as StoredRecord).offset < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** One past the newest record's position. */
  get end(): number {
    return this.#records.length;
  }

  at(position: number): StoredRecord | undefined {
    return position >= this.#head ? this.#records[position] : undefined;
  }

  /** The cached record starting exactly at `offset`. */
  find(offset: number): StoredRecord | undefined {
    const record = this.#records[this.lowerBound(offset)];
    return record !== undefined && record.offset === offset ? record : undefined;
  }

  #removeFirst(): void {
    const record = this.#records[this.#head] as StoredRecord;
    // Release the record (and the buffer its body views) before compaction gets to it.
    (this.#records as (StoredRecord | undefined)[])[this.#head] = undefined;
    this.#head += 1;
    this.#bytes -= record.endOffset - record.offset;
  }

  #compact(): void {
    if (this.#head < COMPACT_MIN_DEAD || this.#head * 2 < this.#records.length) return;
    this.#records = this.#records.slice(this.#head);
    this.#head = 0;
  }
}
