/**
 * The shipper's spool: a write-ahead log of batches between the batcher and the one upstream
 * session, so lines survive a collector outage and a shipper crash.
 *
 * Theory of operation
 * - Records (group + newline-joined lines, see spool-record.ts) are appended to the newest
 *   segment file with one writeSync each. Once writeSync returns the bytes are the kernel's, so a
 *   kill -9 cannot lose them; fsync (maybeSync, close) is what protects against power loss.
 * - Every record has a global byte offset, monotonic across segments and restarts; a segment
 *   file is named by the offset of its first byte. The sender reads from ackedOffset, sends, and
 *   acks the endOffset of what the collector confirmed. Segments entirely below the acked offset
 *   are deleted. Records also carry a sequence number, so pendingRecords is exact without
 *   scanning the spool.
 * - The newest records stay in memory (RecordCache, bounded by memoryMaxBytes), so a sender that
 *   keeps up never reads the disk. A sender that fell behind reads segments in 1 MiB chunks.
 * - The acked offset is persisted atomically (spool-cursor.ts) at most once per
 *   CURSOR_PERSIST_INTERVAL_MS from maybeSync, before deleting a segment, and at close. After a
 *   crash it can only be behind the truth: some records are sent twice, none are skipped.
 * - open() locks the directory (spool-lock.ts) and recovers (spool-recovery.ts): the newest
 *   segment is scanned and its torn tail cut; older ones are trusted until read, and a corrupt
 *   record met by read() skips the rest of its segment. Bad bytes are counted, never thrown.
 *
 * Rules of this file: everything is synchronous (ordering stays trivial and the calls are short
 * at these sizes); arguments outside the contract throw typed errors; system errors are wrapped
 * in SpoolIoError; the record cache is always a contiguous run ending at endOffset.
 */
import assert from 'node:assert';
import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { SpoolArgumentError, SpoolClosedError, SpoolOffsetError, SpoolOffsetExhaustedError } from '../errors.ts';
import { BoundaryIndex } from './boundary-index.ts';
import type { RecordCache } from './record-cache.ts';
import { segmentPath, type SegmentFile } from './segment-files.ts';
import { SegmentReader } from './segment-reader.ts';
import { writeCursor } from './spool-cursor.ts';
import { toSpoolError } from './system-error.ts';
import { acquireSpoolLock, releaseSpoolLock } from './spool-lock.ts';
import { validateSpoolOptions, type SpoolOptions } from './spool-options.ts';
import { RECORD_HEADER_BYTES, checkRecordInput, encodeRecord, recordBytes, type SpoolRecord, type StoredRecord } from './spool-record.ts';
import { recoverSpool, type RecoveredSpool } from './spool-recovery.ts';
import { SpoolStats } from './spool-stats.ts';

/** The acked offset is persisted at most this often from maybeSync (crash = resend at most ~1 s of acks). */
export const CURSOR_PERSIST_INTERVAL_MS = 1000;
/** Bound of the index of handed-out boundaries (16 bytes each); beyond it ack() reads headers from disk. */
const BOUNDARY_INDEX_MAX_ENTRIES = 1 << 20;

interface SpoolInit {
  readonly options: SpoolOptions;
  readonly lockPath: string;
  readonly dirFd: number;
  readonly stats: SpoolStats;
  readonly recovered: RecoveredSpool;
}

export class Spool {
  /** Counters for /metrics; see SpoolStats. */
  readonly stats: SpoolStats;
  readonly #options: SpoolOptions;
  readonly #lockPath: string;
  readonly #dirFd: number;
  readonly #segments: SegmentFile[];
  readonly #cache: RecordCache;
  readonly #boundaries = new BoundaryIndex(BOUNDARY_INDEX_MAX_ENTRIES);
  readonly #reader: SegmentReader;
  #activeFd = -1;
  #ackedOffset: number;
  #ackedSeq: number;
  #endOffset: number;
  #nextSeq: number;
  #persistedAckedOffset = -1;
  #dataDirty = false;
  /** A failed write left bytes that could not be cut: the next append starts a new segment. */
  #rollNeeded = false;
  #lastSyncMs = Number.NEGATIVE_INFINITY;
  #lastCursorMs = Number.NEGATIVE_INFINITY;
  #closed = false;

  private constructor(init: SpoolInit) {
    const { recovered } = init;
    this.stats = init.stats;
    this.#options = init.options;
    this.#lockPath = init.lockPath;
    this.#dirFd = init.dirFd;
    this.#segments = recovered.segments;
    this.#cache = recovered.cache;
    this.#reader = new SegmentReader(init.options.dir, init.stats);
    this.#ackedOffset = recovered.ackedOffset;
    this.#ackedSeq = recovered.ackedSeq;
    this.#endOffset = recovered.endOffset;
    this.#nextSeq = recovered.nextSeq;
    if (recovered.cursorCurrent) this.#persistedAckedOffset = recovered.ackedOffset;
  }

  /** Opens (creating if needed), locks and recovers the spool in `options.dir`. Synchronous. */
  static open(options: SpoolOptions): Spool {
    validateSpoolOptions(options);
    const frozen: SpoolOptions = { ...options };
    let lockPath: string | null = null;
    let dirFd = -1;
    let spool: Spool;
    try {
      mkdirSync(frozen.dir, { recursive: true, mode: 0o700 });
      const stats = new SpoolStats();
      const lock = acquireSpoolLock(frozen.dir);
      lockPath = lock.lockPath;
      if (lock.tookStale) stats.staleLocksTaken += 1;
      dirFd = openSync(frozen.dir, 'r');
      const recovered = recoverSpool(frozen.dir, frozen.memoryMaxBytes, stats);
      spool = new Spool({ options: frozen, lockPath, dirFd, stats, recovered });
    } catch (error) {
      if (dirFd >= 0) closeSync(dirFd);
      if (lockPath !== null) releaseSpoolLock(lockPath);
      throw toSpoolError('open', error);
    }
    try {
      spool.#finishOpen();
    } catch (error) {
      spool.#closed = true;
      spool.#releaseFiles();
      throw toSpoolError('open', error);
    }
    return spool;
  }

  /** Everything below is confirmed delivered. */
  get ackedOffset(): number {
    return this.#ackedOffset;
  }

  /** Where the next append goes. */
  get endOffset(): number {
    return this.#endOffset;
  }

  get pendingBytes(): number {
    return this.#endOffset - this.#ackedOffset;
  }

  get pendingRecords(): number {
    return this.#nextSeq - this.#ackedSeq;
  }

  /** Segment files on disk (the newest is the one appended to). */
  get segmentCount(): number {
    return this.#segments.length;
  }

  /** Record bytes held by the memory cache. */
  get cachedBytes(): number {
    return this.#cache.bytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Appends one record. Returns null, writing nothing, when pendingBytes + its size would exceed
   * maxBytes (the caller applies its policy). When it returns, the record is written to the
   * kernel: a kill -9 cannot lose it. Throws SpoolRecordError on arguments the format refuses.
   */
  append(group: string, body: Buffer, lineCount: number): SpoolRecord | null {
    this.#assertOpen('append');
    checkRecordInput(group, body, lineCount);
    const size = recordBytes(group, body);
    if (this.pendingBytes + size > this.#options.maxBytes) {
      this.stats.appendsRefused += 1;
      return null;
    }
    if (this.#endOffset + size > Number.MAX_SAFE_INTEGER) {
      throw new SpoolOffsetExhaustedError(`Spool offset ${this.#endOffset} + ${size} would pass 2^53`);
    }
    const frame = encodeRecord(group, body, lineCount, this.#nextSeq);
    try {
      const active = this.#activeSegment();
      this.#writeFrame(active, frame);
      active.size += size;
    } catch (error) {
      throw toSpoolError('append', error);
    }
    const offset = this.#endOffset;
    const bodyStart = RECORD_HEADER_BYTES + group.length;
    const record: StoredRecord = { offset, endOffset: offset + size, group, body: frame.subarray(bodyStart), lineCount, seq: this.#nextSeq };
    this.#endOffset += size;
    this.#nextSeq += 1;
    this.#dataDirty = true;
    this.#cache.push(record);
    this.stats.appends += 1;
    this.stats.appendedBytes += size;
    this.stats.appendedLines += lineCount;
    return record;
  }

  /**
   * Records starting at or after `offset` (ackedOffset <= offset <= endOffset; normally
   * ackedOffset or an endOffset this spool returned), in order: at least one if any exists, then
   * more while their total size on disk stays within `maxBytes`. [] at the end. Bodies are
   * views the caller must not modify.
   */
  read(offset: number, maxBytes: number): SpoolRecord[] {
    this.#assertOpen('read');
    this.#checkOffset(offset, 'read');
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new SpoolArgumentError(`read maxBytes must be a positive safe integer (got ${String(maxBytes)})`);
    this.stats.reads += 1;
    const out: StoredRecord[] = [];
    const cacheStart = this.#cache.firstOffset ?? this.#endOffset;
    let position = offset;
    let usedBytes = 0;
    if (position < cacheStart) {
      try {
        ({ offset: position, usedBytes } = this.#reader.read(this.#segments, position, cacheStart, maxBytes, out));
      } catch (error) {
        throw toSpoolError('read', error);
      }
    }
    const fromDisk = out.length;
    if (position >= cacheStart) this.#readCache(position, usedBytes, maxBytes, out);
    this.stats.cacheHits += out.length - fromDisk;
    this.stats.recordsRead += out.length;
    for (const record of out) this.#boundaries.add(record.endOffset, record.seq + 1);
    return out;
  }

  /**
   * Everything below `offset` is delivered. `offset` must be a record boundary in
   * [ackedOffset, endOffset]. Deletes segment files entirely below it (persisting the acked
   * offset first); otherwise the acked offset is persisted by maybeSync and close.
   */
  ack(offset: number): void {
    this.#assertOpen('ack');
    this.#checkOffset(offset, 'ack');
    if (offset === this.#ackedOffset) return;
    const seq = this.#seqAt(offset);
    this.#ackedOffset = offset;
    this.#ackedSeq = seq;
    this.stats.acks += 1;
    this.#cache.dropThrough(offset);
    this.#boundaries.dropThrough(offset);
    try {
      this.#deleteAckedSegments();
    } catch (error) {
      throw toSpoolError('ack', error);
    }
  }

  /**
   * Call periodically with a monotonic clock: fsyncs written data at most every fsyncIntervalMs
   * (never when 0) and persists a changed acked offset at most every CURSOR_PERSIST_INTERVAL_MS.
   */
  maybeSync(nowMs: number): void {
    this.#assertOpen('maybeSync');
    if (!Number.isFinite(nowMs)) throw new SpoolArgumentError(`maybeSync nowMs must be finite (got ${String(nowMs)})`);
    try {
      const intervalMs = this.#options.fsyncIntervalMs;
      if (intervalMs > 0 && this.#dataDirty && isDue(nowMs, this.#lastSyncMs, intervalMs)) {
        this.#syncData();
        this.#lastSyncMs = nowMs;
      }
      if (this.#ackedOffset !== this.#persistedAckedOffset && isDue(nowMs, this.#lastCursorMs, CURSOR_PERSIST_INTERVAL_MS)) {
        this.#persistCursor();
        this.#lastCursorMs = nowMs;
      }
    } catch (error) {
      throw toSpoolError('maybeSync', error);
    }
  }

  /** Fsyncs, persists the exact acked offset, closes files and releases the lock. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#activeFd >= 0 && this.#dataDirty) this.#syncData();
      if (this.#ackedOffset !== this.#persistedAckedOffset) this.#persistCursor();
    } catch (error) {
      throw toSpoolError('close', error);
    } finally {
      this.#releaseFiles();
    }
  }

  #finishOpen(): void {
    const newest = this.#segments.at(-1);
    // A fresh directory, or a cursor past the surviving data: start the segment appends go to.
    if (newest === undefined || newest.base + newest.size !== this.#endOffset) this.#createSegment(this.#endOffset);
    else this.#activeFd = openSync(segmentPath(this.#options.dir, newest.base), 'a');
    if (this.#persistedAckedOffset !== this.#ackedOffset) this.#persistCursor();
    this.#deleteAckedSegments();
    this.stats.recoveredRecords = this.pendingRecords;
    this.stats.recoveredBytes = this.pendingBytes;
  }

  #readCache(offset: number, usedBytes: number, maxBytes: number, out: StoredRecord[]): void {
    let used = usedBytes;
    const end = this.#cache.end;
    for (let position = this.#cache.lowerBound(offset); position < end && used < maxBytes; position += 1) {
      const record = this.#cache.at(position) as StoredRecord;
      const size = record.endOffset - record.offset;
      if (used > 0 && used + size > maxBytes) break;
      out.push(record);
      used += size;
    }
  }

  /** The sequence number of the record starting at boundary `offset` (ackedOffset < offset <= endOffset). */
  #seqAt(offset: number): number {
    if (offset === this.#endOffset) return this.#nextSeq;
    const cacheStart = this.#cache.firstOffset ?? this.#endOffset;
    if (offset >= cacheStart) {
      const cached = this.#cache.find(offset);
      if (cached !== undefined) return cached.seq;
      throw new SpoolOffsetError(offset, `Offset ${offset} is not a record boundary`);
    }
    const known = this.#boundaries.seqAt(offset);
    if (known !== undefined) return known;
    let seq: number;
    try {
      seq = this.#reader.peekSeq(this.#segments, offset);
    } catch (error) {
      throw toSpoolError('ack', error);
    }
    if (seq < this.#ackedSeq || seq > this.#nextSeq) throw new SpoolOffsetError(offset, `Offset ${offset} is not a known record boundary`);
    return seq;
  }

  #checkOffset(offset: number, operation: string): void {
    if (!Number.isSafeInteger(offset) || offset < this.#ackedOffset || offset > this.#endOffset) {
      throw new SpoolOffsetError(offset, `${operation} offset ${String(offset)} is outside [${this.#ackedOffset}, ${this.#endOffset}]`);
    }
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new SpoolClosedError(operation);
  }

  /** The segment to append to, rolling to a new one once the current one reached segmentBytes. */
  #activeSegment(): SegmentFile {
    const active = this.#segments.at(-1) as SegmentFile;
    assert(this.#rollNeeded || active.base + active.size === this.#endOffset, 'Spool: the active segment must end at endOffset');
    if (active.size < this.#options.segmentBytes && !this.#rollNeeded) return active;
    this.#rollNeeded = false;
    if (this.#options.fsyncIntervalMs > 0 && this.#dataDirty) this.#syncData();
    const segment = this.#createSegment(this.#endOffset);
    // The one just closed may be entirely acked already (the sender keeps up): delete it now.
    this.#deleteAckedSegments();
    return segment;
  }

  #createSegment(base: number): SegmentFile {
    if (this.#activeFd >= 0) closeSync(this.#activeFd);
    this.#activeFd = -1;
    // O_EXCL: recovery made this the highest offset, so an existing file here would be a bug.
    this.#activeFd = openSync(segmentPath(this.#options.dir, base), 'ax', 0o600);
    const segment: SegmentFile = { base, size: 0 };
    this.#segments.push(segment);
    this.stats.segmentsCreated += 1;
    if (this.#options.fsyncIntervalMs > 0) this.#syncDirectory();
    return segment;
  }

  /** One record, one write. A failed write (disk full) is cut off so the file stays parseable. */
  #writeFrame(segment: SegmentFile, frame: Buffer): void {
    let written = 0;
    try {
      while (written < frame.length) written += writeSync(this.#activeFd, frame, written, frame.length - written);
    } catch (error) {
      if (written > 0) this.#cutPartialWrite(segment);
      throw error;
    }
  }

  /** Removes a partly written record; if even that fails, appends move to a new segment. */
  #cutPartialWrite(segment: SegmentFile): void {
    try {
      ftruncateSync(this.#activeFd, segment.size);
    } catch {
      // The file now holds bytes past `size`; readers stop at the next segment's base.
      this.#rollNeeded = true;
    }
  }

  #deleteAckedSegments(): void {
    let count = 0;
    // Never the newest: it is where appends go and what recovery reads endOffset from.
    while (count < this.#segments.length - 1 && (this.#segments[count + 1] as SegmentFile).base <= this.#ackedOffset) count += 1;
    if (count === 0) return;
    if (this.#ackedOffset !== this.#persistedAckedOffset) this.#persistCursor();
    for (const segment of this.#segments.splice(0, count)) {
      this.#reader.forget(segment.base);
      unlinkSync(segmentPath(this.#options.dir, segment.base));
      this.stats.segmentsDeleted += 1;
    }
  }

  #persistCursor(): void {
    this.stats.fsyncs += writeCursor(this.#options.dir, this.#dirFd, { ackedOffset: this.#ackedOffset, ackedSeq: this.#ackedSeq });
    this.stats.cursorWrites += 1;
    this.#persistedAckedOffset = this.#ackedOffset;
  }

  #syncData(): void {
    fdatasyncSync(this.#activeFd);
    this.stats.fsyncs += 1;
    this.#dataDirty = false;
  }

  #syncDirectory(): void {
    fsyncSync(this.#dirFd);
    this.stats.fsyncs += 1;
  }

  #releaseFiles(): void {
    this.#reader.close();
    if (this.#activeFd >= 0) closeSync(this.#activeFd);
    this.#activeFd = -1;
    closeSync(this.#dirFd);
    releaseSpoolLock(this.#lockPath);
  }
}

/** True when `intervalMs` passed since `lastMs`, or the clock went backwards. */
function isDue(nowMs: number, lastMs: number, intervalMs: number): boolean {
  return nowMs - lastMs >= intervalMs || nowMs < lastMs;
}
