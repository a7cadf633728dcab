/**
 * Recovery at open: where delivery resumes and where appends continue after a clean close or a
 * kill -9 / power loss. Only the newest segment is scanned, record by record; its torn or
 * corrupt tail is truncated. Older segments are trusted until read (read() skips what is bad).
 *
 * Rules: the recovered acked offset never exceeds the true one (resending is allowed, skipping
 * is not), offsets never go backwards, and bad bytes are counted, never thrown.
 */
import { closeSync, openSync, readSync, truncateSync, unlinkSync } from 'node:fs';
import { RecordCache } from './record-cache.ts';
import { RECORD_HEADER_BYTES, decodeRecord, decodeRecordSeq, decodeRecordSize, type StoredRecord } from './spool-record.ts';
import { listSegments, segmentPath, type SegmentFile } from './segment-files.ts';
import { readCursor, type SpoolCursor } from './spool-cursor.ts';
import { READ_CHUNK_BYTES } from './segment-reader.ts';
import type { SpoolStats } from './spool-stats.ts';

export interface RecoveredSpool {
  /** Oldest first. The newest may end before endOffset (then a new segment must start there). */
  readonly segments: SegmentFile[];
  readonly ackedOffset: number;
  readonly ackedSeq: number;
  readonly endOffset: number;
  readonly nextSeq: number;
  /** The newest records (a contiguous run ending at endOffset, none below ackedOffset). */
  readonly cache: RecordCache;
  /** False when the persisted cursor differs from the recovered one (missing, corrupt, clamped). */
  readonly cursorCurrent: boolean;
}

/** What scanning the newest segment found. */
interface TailScan {
  validBytes: number;
  records: number;
  firstSeq: number;
  nextSeq: number;
  /** The greatest record start <= the cursor's offset, and its sequence number (-1: none). */
  floorOffset: number;
  floorSeq: number;
}

function readAt(fd: number, filePosition: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafeSlow(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = readSync(fd, buffer, filled, length - filled, filePosition + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Scans `segment` from its start; stops at the first torn, corrupt or out-of-sequence record. */
function scanSegment(dir: string, segment: SegmentFile, cursorOffset: number, cache: RecordCache): TailScan {
  const scan: TailScan = { validBytes: 0, records: 0, firstSeq: -1, nextSeq: -1, floorOffset: -1, floorSeq: -1 };
  const fd = openSync(segmentPath(dir, segment.base), 'r');
  try {
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    let position = 0;
    const ensure = (length: number): boolean => {
      if (position + length <= chunkStart + chunk.length) return true;
      if (position + length > segment.size) return false;
      chunk = readAt(fd, position, Math.min(Math.max(READ_CHUNK_BYTES, length), segment.size - position));
      chunkStart = position;
      return chunk.length >= length;
    };
    while (ensure(RECORD_HEADER_BYTES)) {
      const size = decodeRecordSize(chunk, position - chunkStart);
      if (size < 0 || !ensure(size)) break;
      const record = decodeRecord(chunk, position - chunkStart, size, segment.base + position);
      // A valid record out of sequence is stale data (blocks of a deleted file after a crash).
      if (record === null || (scan.records > 0 && record.seq !== scan.nextSeq)) break;
      noteRecord(scan, record, cursorOffset);
      cache.push(record);
      position += size;
    }
    scan.validBytes = position;
  } finally {
    closeSync(fd);
  }
  return scan;
}

function noteRecord(scan: TailScan, record: StoredRecord, cursorOffset: number): void {
  if (scan.records === 0) scan.firstSeq = record.seq;
  scan.records += 1;
  scan.nextSeq = record.seq + 1;
  if (record.offset <= cursorOffset) {
    scan.floorOffset = record.offset;
    scan.floorSeq = record.seq;
  }
}

/**
 * Scans the newest segment and truncates its bad tail. An empty newest segment with older ones
 * before it was created by a roll just before a crash: it is removed and the one before scanned.
 */
function recoverNewestSegment(dir: string, segments: SegmentFile[], cursorOffset: number, cache: RecordCache, stats: SpoolStats): TailScan | null {
  for (let last = segments.at(-1); last !== undefined; last = segments.at(-1)) {
    cache.clear();
    const scan = scanSegment(dir, last, cursorOffset, cache);
    if (scan.validBytes < last.size) {
      truncateSync(segmentPath(dir, last.base), scan.validBytes);
      stats.truncatedTailBytes += last.size - scan.validBytes;
      last.size = scan.validBytes;
    }
    if (scan.records > 0 || segments.length === 1) return scan;
    unlinkSync(segmentPath(dir, last.base));
    segments.pop();
  }
  return null;
}

/** Sequence number of the first record of `segment`, or `fallback` when its header is unreadable. */
function firstSeqOf(dir: string, segment: SegmentFile, fallback: number): number {
  if (segment.size < RECORD_HEADER_BYTES) return fallback;
  const fd = openSync(segmentPath(dir, segment.base), 'r');
  try {
    const header = readAt(fd, 0, RECORD_HEADER_BYTES);
    if (header.length < RECORD_HEADER_BYTES || decodeRecordSize(header, 0) < 0) return fallback;
    return decodeRecordSeq(header, 0);
  } finally {
    closeSync(fd);
  }
}

/** Where delivery resumes; see the rules at the top of the file. */
function resolveAcked(dir: string, segments: readonly SegmentFile[], cursor: SpoolCursor | null, scan: TailScan | null, nextSeq: number, stats: SpoolStats): SpoolCursor {
  const oldest = segments[0];
  const newest = segments.at(-1);
  if (oldest === undefined || newest === undefined) return cursor ?? { ackedOffset: 0, ackedSeq: nextSeq };
  const scannedFirstSeq = scan !== null && scan.records > 0 ? scan.firstSeq : nextSeq;
  if (cursor === null || cursor.ackedOffset < oldest.base) {
    stats.cursorResets += 1;
    const seq = oldest === newest ? scannedFirstSeq : firstSeqOf(dir, oldest, scannedFirstSeq);
    return { ackedOffset: oldest.base, ackedSeq: seq };
  }
  const endOffset = newest.base + newest.size;
  if (cursor.ackedOffset === endOffset) return { ackedOffset: endOffset, ackedSeq: nextSeq };
  if (cursor.ackedOffset > endOffset || cursor.ackedOffset < newest.base || scan === null) return cursor;
  // Inside the scanned segment, the records are the truth: snap down to a record start.
  if (scan.floorOffset !== cursor.ackedOffset) stats.cursorResets += 1;
  return { ackedOffset: scan.floorOffset, ackedSeq: scan.floorSeq };
}

/** Recovers the spool in `dir` (already locked). */
export function recoverSpool(dir: string, memoryMaxBytes: number, stats: SpoolStats): RecoveredSpool {
  const segments = listSegments(dir);
  const cursor = readCursor(dir);
  const cache = new RecordCache(memoryMaxBytes);
  const scan = recoverNewestSegment(dir, segments, cursor?.ackedOffset ?? -1, cache, stats);
  const newest = segments.at(-1);
  let endOffset = newest === undefined ? (cursor?.ackedOffset ?? 0) : newest.base + newest.size;
  let nextSeq = scan !== null && scan.records > 0 ? scan.nextSeq : (cursor?.ackedSeq ?? 0);
  const acked = resolveAcked(dir, segments, cursor, scan, nextSeq, stats);
  if (acked.ackedOffset > endOffset) {
    // The cursor was fsynced but the newest records were not (power loss): they were delivered,
    // so continue after them and keep offsets monotonic.
    endOffset = acked.ackedOffset;
    nextSeq = Math.max(nextSeq, acked.ackedSeq);
    cache.clear();
  }
  const ackedSeq = Math.min(Math.max(acked.ackedSeq, 0), nextSeq);
  cache.dropThrough(acked.ackedOffset);
  const cursorCurrent = cursor !== null && cursor.ackedOffset === acked.ackedOffset && cursor.ackedSeq === ackedSeq;
  return { segments, ackedOffset: acked.ackedOffset, ackedSeq, endOffset, nextSeq, cache, cursorCurrent };
}
