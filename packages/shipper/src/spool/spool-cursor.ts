/**
 * The persisted acked offset ("cursor"): everything below it was delivered. It is written to a
 * temp file, fsynced, renamed over `cursor`, then the directory is fsynced, so a crash leaves the
 * old value or the new one, never a mix. On open both files are read and the higher valid one
 * wins (a crash between fsync and rename leaves a newer, complete temp file).
 *
 * Format (28 bytes): "RLSC", u32 LE version 1, acked offset and its record sequence number as
 * u32 LE low/high pairs, u32 LE CRC32 of the 24 bytes before it.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export interface SpoolCursor {
  readonly ackedOffset: number;
  /** Sequence number of the first unacked record (= records ever acked). */
  readonly ackedSeq: number;
}

export const CURSOR_FILE = 'cursor';
export const CURSOR_TEMP_FILE = 'cursor.tmp';

const MAGIC = 'RLSC';
const VERSION = 1;
const CURSOR_BYTES = 28;
const CRC_POSITION = 24;
const TWO_POW_32 = 2 ** 32;

export function encodeCursor(cursor: SpoolCursor): Buffer {
  const buffer = Buffer.alloc(CURSOR_BYTES);
  buffer.write(MAGIC, 0, 'latin1');
  buffer.writeUInt32LE(VERSION, 4);
  buffer.writeUInt32LE(cursor.ackedOffset % TWO_POW_32, 8);
  buffer.writeUInt32LE(Math.floor(cursor.ackedOffset / TWO_POW_32), 12);
  buffer.writeUInt32LE(cursor.ackedSeq % TWO_POW_32, 16);
  buffer.writeUInt32LE(Math.floor(cursor.ackedSeq / TWO_POW_32), 20);
  buffer.writeUInt32LE(crc32(buffer.subarray(0, CRC_POSITION)), CRC_POSITION);
  return buffer;
}

/** The cursor in `buffer`, or null when it is not a valid one (any length, any bytes). */
export function decodeCursor(buffer: Buffer): SpoolCursor | null {
  if (buffer.length !== CURSOR_BYTES) return null;
  if (buffer.toString('latin1', 0, 4) !== MAGIC || buffer.readUInt32LE(4) !== VERSION) return null;
  if (crc32(buffer.subarray(0, CRC_POSITION)) !== buffer.readUInt32LE(CRC_POSITION)) return null;
  const ackedOffset = buffer.readUInt32LE(8) + buffer.readUInt32LE(12) * TWO_POW_32;
  const ackedSeq = buffer.readUInt32LE(16) + buffer.readUInt32LE(20) * TWO_POW_32;
  if (!Number.isSafeInteger(ackedOffset) || !Number.isSafeInteger(ackedSeq)) return null;
  return { ackedOffset, ackedSeq };
}

function readCursorFile(path: string): SpoolCursor | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    // Missing or unreadable: recovery falls back to the oldest segment, which is always safe.
    return null;
  }
  return decodeCursor(bytes);
}

/** The persisted cursor, or null when neither file holds a valid one. */
export function readCursor(dir: string): SpoolCursor | null {
  const committed = readCursorFile(join(dir, CURSOR_FILE));
  const pending = readCursorFile(join(dir, CURSOR_TEMP_FILE));
  if (committed === null) return pending;
  if (pending === null) return committed;
  return pending.ackedOffset > committed.ackedOffset ? pending : committed;
}

/** Persists `cursor` atomically; returns the number of fsyncs it cost. */
export function writeCursor(dir: string, dirFd: number, cursor: SpoolCursor): number {
  const tempPath = join(dir, CURSOR_TEMP_FILE);
  const fd = openSync(tempPath, 'w', 0o600);
  try {
    writeSync(fd, encodeCursor(cursor));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tempPath, join(dir, CURSOR_FILE));
  fsyncSync(dirFd);
  return 2;
}
