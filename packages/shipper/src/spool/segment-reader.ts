/**
 * Reads records from segment files for read(), when the memory cache no longer holds them.
 *
 * Reads are 1 MiB chunks (or one whole record, if larger) kept as a read-ahead: the sender asks
 * for ~64 KiB at a time, and re-reading the disk per call would cost 16 syscalls per chunk.
 * A chunk is never reused once loaded, because the records handed out view into it.
 *
 * A corrupt record (bad header, bad CRC, running past its segment) skips the rest of that
 * segment, counted in the stats: one bad sector must not wedge the shipper, and without a valid
 * length there is no trustworthy way to find the next record in the same file.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { RECORD_HEADER_BYTES, decodeRecord, decodeRecordSeq, decodeRecordSize, type StoredRecord } from './spool-record.ts';
import { findSegmentIndex, segmentEndOffset, segmentPath, type SegmentFile } from './segment-files.ts';
import type { SpoolStats } from './spool-stats.ts';

export const READ_CHUNK_BYTES = 1024 * 1024;

/** Where a disk read stopped and how many record bytes it collected. */
export interface DiskReadResult {
  readonly offset: number;
  readonly usedBytes: number;
}

export class SegmentReader {
  readonly #dir: string;
  readonly #stats: SpoolStats;
  #fd = -1;
  #fdBase = -1;
  #chunk: Buffer | null = null;
  #chunkBase = -1;
  /** Global offset of the chunk's first byte. */
  #chunkOffset = 0;
  /** End of the furthest region already counted as skipped. */
  #skippedThrough = 0;

  constructor(dir: string, stats: SpoolStats) {
    this.#dir = dir;
    this.#stats = stats;
  }

  /**
   * Appends to `out` the records from `offset` up to `stopOffset`, while their total stays
   * within `maxBytes` (the first one always fits).
   */
  read(segments: readonly SegmentFile[], offset: number, stopOffset: number, maxBytes: number, out: StoredRecord[]): DiskReadResult {
    let position = offset;
    let usedBytes = 0;
    while (position < stopOffset && usedBytes < maxBytes) {
      const index = findSegmentIndex(segments, position);
      const segment = segments[index];
      const limit = segment === undefined ? stopOffset : Math.min(segmentEndOffset(segments, index), stopOffset);
      if (segment === undefined || position >= limit) {
        // A hole: bytes of a deleted, short or missing file. Resume at the next segment.
        position = this.#skip(position, Math.min(segments[index + 1]?.base ?? stopOffset, stopOffset));
        continue;
      }
      const size = this.#sizeAt(segment, position, limit);
      if (size < 0) {
        position = this.#skip(position, limit);
        continue;
      }
      if (usedBytes > 0 && usedBytes + size > maxBytes) break;
      const record = this.#decodeAt(segment, position, size);
      if (record === null) {
        position = this.#skip(position, limit);
        continue;
      }
      out.push(record);
      usedBytes += size;
      position += size;
    }
    return { offset: position, usedBytes };
  }

  /** The sequence number of a plausible record header at `offset`, or -1 (no header, or not readable). */
  peekSeq(segments: readonly SegmentFile[], offset: number): number {
    const index = findSegmentIndex(segments, offset);
    const segment = segments[index];
    if (segment === undefined) return -1;
    const limit = segmentEndOffset(segments, index);
    if (this.#sizeAt(segment, offset, limit) < 0) return -1;
    return decodeRecordSeq(this.#chunk as Buffer, offset - this.#chunkOffset);
  }

  /** Closes the file and drops the chunk of segment `base` (it is being deleted). */
  forget(base: number): void {
    if (this.#chunkBase === base) {
      this.#chunk = null;
      this.#chunkBase = -1;
    }
    if (this.#fdBase === base) this.#closeFd();
  }

  close(): void {
    this.#chunk = null;
    this.#chunkBase = -1;
    this.#closeFd();
  }

  /**
   * Skips [from, to). Counted once: a read that stops on its byte budget right after a skip, or a
   * resend from the acked offset, crosses the same region again.
   */
  #skip(from: number, to: number): number {
    if (to > this.#skippedThrough) {
      if (from >= this.#skippedThrough) this.#stats.corruptRegions += 1;
      this.#stats.corruptBytesSkipped += to - Math.max(from, this.#skippedThrough);
      this.#skippedThrough = to;
    }
    return to;
  }

  /** The size of the record at `position` if its header is valid and it fits below `limit`, else -1. */
  #sizeAt(segment: SegmentFile, position: number, limit: number): number {
    if (!this.#load(segment, position, RECORD_HEADER_BYTES, limit)) return -1;
    const size = decodeRecordSize(this.#chunk as Buffer, position - this.#chunkOffset);
    return size < 0 || position + size > limit ? -1 : size;
  }

  #decodeAt(segment: SegmentFile, position: number, size: number): StoredRecord | null {
    if (!this.#load(segment, position, size, position + size)) return null;
    return decodeRecord(this.#chunk as Buffer, position - this.#chunkOffset, size, position);
  }

  /** Makes the chunk cover [position, position + length); false when the file is shorter. */
  #load(segment: SegmentFile, position: number, length: number, limit: number): boolean {
    const chunk = this.#chunk;
    if (chunk !== null && this.#chunkBase === segment.base && position >= this.#chunkOffset && position + length <= this.#chunkOffset + chunk.length) {
      return true;
    }
    if (position + length > limit) return false;
    const fileEnd = segment.base + segment.size;
    const wanted = Math.min(Math.max(READ_CHUNK_BYTES, length), fileEnd - position);
    const loaded = this.#readFile(segment.base, position - segment.base, Buffer.allocUnsafeSlow(wanted));
    this.#chunk = loaded;
    this.#chunkBase = segment.base;
    this.#chunkOffset = position;
    return loaded.length >= length;
  }

  /**
   * Fills `buffer` from `filePosition`; returns the part read (shorter at end of file). A missing
   * file or an I/O error (a bad sector) reads as nothing, so the caller skips it as corrupt.
   */
  #readFile(base: number, filePosition: number, buffer: Buffer): Buffer {
    let filled = 0;
    try {
      if (this.#fdBase !== base) {
        this.#closeFd();
        this.#fd = openSync(segmentPath(this.#dir, base), 'r');
        this.#fdBase = base;
      }
      while (filled < buffer.length) {
        const bytesRead = readSync(this.#fd, buffer, filled, buffer.length - filled, filePosition + filled);
        this.#stats.diskReads += 1;
        if (bytesRead === 0) break;
        filled += bytesRead;
        this.#stats.diskReadBytes += bytesRead;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EIO' && code !== 'ENOENT') throw error;
    }
    return filled === buffer.length ? buffer : buffer.subarray(0, filled);
  }

  #closeFd(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
    this.#fdBase = -1;
  }
}
