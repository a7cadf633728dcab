/**
 * The spool's record and its on-disk format.
 *
 * A record is a 24-byte header, the group name, then the body:
 *
 *   0  u16 BE  magic 0x524c ("RL")
 *   2  u8      format version (1)
 *   3  u8      group length, 1..31
 *   4  u32 LE  body length, 0..256 KiB
 *   8  u32 LE  line count, 0..body length + 1
 *   12 u32 LE  sequence number, low 32 bits   (records are numbered 0, 1, 2... across segments
 *   16 u32 LE  sequence number, high 21 bits   and restarts, so pendingRecords needs no index)
 *   20 u32 LE  CRC32 of bytes 0..19, then the group and the body
 *
 * Bad bytes are never an exception here: decoding answers "invalid" and the caller counts them.
 */
import { crc32 } from 'node:zlib';
import { SpoolRecordError } from '../errors.ts';

export interface SpoolRecord {
  /** Global byte offset of the record's start. */
  readonly offset: number;
  /** Offset of the next record (offset + the record's size on disk). */
  readonly endOffset: number;
  /** Destination Spread group (1..31 bytes of printable ASCII). */
  readonly group: string;
  /** Newline-joined lines. */
  readonly body: Buffer;
  readonly lineCount: number;
}

/** A record as the spool keeps it: the public fields plus its sequence number. */
export interface StoredRecord extends SpoolRecord {
  readonly seq: number;
}

export const RECORD_HEADER_BYTES = 24;
export const RECORD_GROUP_MAX_BYTES = 31;
export const RECORD_BODY_MAX_BYTES = 256 * 1024;
export const RECORD_MAX_BYTES = RECORD_HEADER_BYTES + RECORD_GROUP_MAX_BYTES + RECORD_BODY_MAX_BYTES;

const MAGIC = 0x524c;
const VERSION = 1;
const CRC_POSITION = 20;
const TWO_POW_32 = 2 ** 32;

/** Throws SpoolRecordError when append() arguments are outside what the format stores. */
export function checkRecordInput(group: string, body: Buffer, lineCount: number): void {
  if (typeof group !== 'string' || group.length === 0 || group.length > RECORD_GROUP_MAX_BYTES) {
    throw new SpoolRecordError(`Group must be 1..${RECORD_GROUP_MAX_BYTES} bytes (got ${JSON.stringify(group)})`);
  }
  for (let i = 0; i < group.length; i += 1) {
    const code = group.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) throw new SpoolRecordError(`Group ${JSON.stringify(group)} holds a byte outside printable ASCII`);
  }
  if (!Buffer.isBuffer(body) || body.length > RECORD_BODY_MAX_BYTES) {
    throw new SpoolRecordError(`Body must be a Buffer of at most ${RECORD_BODY_MAX_BYTES} bytes`);
  }
  if (!Number.isSafeInteger(lineCount) || lineCount < 0 || lineCount > body.length + 1) {
    throw new SpoolRecordError(`lineCount ${String(lineCount)} is impossible for a ${body.length}-byte body`);
  }
}

/** The size on disk of a record (what offsets advance by). */
export function recordBytes(group: string, body: Buffer): number {
  return RECORD_HEADER_BYTES + group.length + body.length;
}

/** Header and payload in one buffer, so append is a single write. Input must have passed checkRecordInput. */
export function encodeRecord(group: string, body: Buffer, lineCount: number, seq: number): Buffer {
  const frame = Buffer.allocUnsafe(recordBytes(group, body));
  frame.writeUInt16BE(MAGIC, 0);
  frame[2] = VERSION;
  frame[3] = group.length;
  frame.writeUInt32LE(body.length, 4);
  frame.writeUInt32LE(lineCount, 8);
  frame.writeUInt32LE(seq % TWO_POW_32, 12);
  frame.writeUInt32LE(Math.floor(seq / TWO_POW_32), 16);
  frame.write(group, RECORD_HEADER_BYTES, 'latin1');
  body.copy(frame, RECORD_HEADER_BYTES + group.length);
  frame.writeUInt32LE(frameCrc(frame, 0, frame.length), CRC_POSITION);
  return frame;
}

function frameCrc(buffer: Buffer, start: number, end: number): number {
  const headerCrc = crc32(buffer.subarray(start, start + CRC_POSITION));
  return crc32(buffer.subarray(start + RECORD_HEADER_BYTES, end), headerCrc);
}

/**
 * The size of the record whose header starts at `position`, or -1 when the header is not one
 * (wrong magic or version, impossible lengths). Needs RECORD_HEADER_BYTES available.
 */
export function decodeRecordSize(buffer: Buffer, position: number): number {
  if (buffer.readUInt16BE(position) !== MAGIC || buffer[position + 2] !== VERSION) return -1;
  const groupBytes = buffer[position + 3] as number;
  const bodyBytes = buffer.readUInt32LE(position + 4);
  const lineCount = buffer.readUInt32LE(position + 8);
  if (groupBytes === 0 || groupBytes > RECORD_GROUP_MAX_BYTES || bodyBytes > RECORD_BODY_MAX_BYTES) return -1;
  if (lineCount > bodyBytes + 1) return -1;
  return RECORD_HEADER_BYTES + groupBytes + bodyBytes;
}

/** The sequence number in the header at `position` (only meaningful once decodeRecordSize accepted it). */
export function decodeRecordSeq(buffer: Buffer, position: number): number {
  return buffer.readUInt32LE(position + 12) + buffer.readUInt32LE(position + 16) * TWO_POW_32;
}

/**
 * The record at `position` (its whole `size` available in `buffer`), or null when its CRC does
 * not match. The body is a view into `buffer`: callers that keep it long must copy.
 */
export function decodeRecord(buffer: Buffer, position: number, size: number, offset: number): StoredRecord | null {
  const end = position + size;
  if (frameCrc(buffer, position, end) !== buffer.readUInt32LE(position + CRC_POSITION)) return null;
  const groupBytes = buffer[position + 3] as number;
  const bodyStart = position + RECORD_HEADER_BYTES + groupBytes;
  return {
    offset,
    endOffset: offset + size,
    group: buffer.toString('latin1', position + RECORD_HEADER_BYTES, bodyStart),
    body: buffer.subarray(bodyStart, end),
    lineCount: buffer.readUInt32LE(position + 8),
    seq: decodeRecordSeq(buffer, position),
  };
}
