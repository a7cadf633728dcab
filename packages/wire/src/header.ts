/**
 * The 48-byte message header shared by both directions (spec §6.3, §6.5):
 *   type u32 | sender name[32] | num_groups i32 | hint u32 | data_len i32
 * Integers are in the sender's byte order, told by the ENDIAN_MARKER bits of `type`. We
 * always write little-endian and mark it, as every x86/ARM Spread daemon does.
 */
import { ENDIAN_MARKER, Limits } from './constants.ts';
import { readNameSlot, writeNameSlot } from './names.ts';

export const HeaderOffset = {
  TYPE: 0,
  SENDER: 4,
  NUM_GROUPS: 36,
  HINT: 40,
  DATA_LENGTH: 44,
} as const;

export interface MessageHeader {
  /** `type` in host terms, endian marker bits removed. */
  readonly type: number;
  /** Raw sender slot contents up to the first NUL; null when the slot holds no NUL. */
  readonly sender: string | null;
  readonly numGroups: number;
  /** `hint` exactly as the sender wrote it, read little-endian (its marker tells its order). */
  readonly hint: number;
  readonly dataLength: number;
  /** Whether the header was written little-endian. */
  readonly littleEndian: boolean;
}

/** True when a raw little-endian read of `type` or `hint` carries a little-endian marker. */
export function isLittleEndianMarked(rawLittleEndian: number): boolean {
  return (rawLittleEndian & ENDIAN_MARKER) >>> 0 === ENDIAN_MARKER;
}

export function decodeHeader(buffer: Buffer, offset = 0): MessageHeader {
  const rawType = buffer.readUInt32LE(offset + HeaderOffset.TYPE);
  const littleEndian = isLittleEndianMarked(rawType);
  const type = littleEndian ? rawType : buffer.readUInt32BE(offset + HeaderOffset.TYPE);
  const numGroups = littleEndian
    ? buffer.readInt32LE(offset + HeaderOffset.NUM_GROUPS)
    : buffer.readInt32BE(offset + HeaderOffset.NUM_GROUPS);
  const dataLength = littleEndian
    ? buffer.readInt32LE(offset + HeaderOffset.DATA_LENGTH)
    : buffer.readInt32BE(offset + HeaderOffset.DATA_LENGTH);
  return {
    type: (type & ~ENDIAN_MARKER) >>> 0,
    sender: readNameSlot(buffer, offset + HeaderOffset.SENDER),
    numGroups,
    hint: buffer.readUInt32LE(offset + HeaderOffset.HINT),
    dataLength,
    littleEndian,
  };
}

export interface HeaderFields {
  readonly type: number;
  readonly sender: string;
  readonly numGroups: number;
  /** Written as given: callers pass a marked little-endian hint or a hint relayed unchanged. */
  readonly hint: number;
  readonly dataLength: number;
}

/** Writes a little-endian, marked header into `buffer` at `offset`. */
export function writeHeader(buffer: Buffer, offset: number, fields: HeaderFields): void {
  buffer.writeUInt32LE((fields.type | ENDIAN_MARKER) >>> 0, offset + HeaderOffset.TYPE);
  writeNameSlot(buffer, offset + HeaderOffset.SENDER, fields.sender);
  buffer.writeInt32LE(fields.numGroups, offset + HeaderOffset.NUM_GROUPS);
  buffer.writeUInt32LE(fields.hint >>> 0, offset + HeaderOffset.HINT);
  buffer.writeInt32LE(fields.dataLength, offset + HeaderOffset.DATA_LENGTH);
}

/** The hint a little-endian sender writes for `messType`. */
export function hintFromMessType(messType: number): number {
  return (((messType & 0xffff) << 8) | ENDIAN_MARKER) >>> 0;
}

/** The 16-bit mess_type and the sender's byte order, as libspread derives them from `hint`. */
export function messTypeFromHint(hint: number): { messType: number; littleEndian: boolean } {
  const littleEndian = isLittleEndianMarked(hint);
  const value = littleEndian ? hint : swap32(hint);
  return { messType: (value >>> 8) & 0xffff, littleEndian };
}

export function swap32(value: number): number {
  return (
    (((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | ((value >>> 24) & 0xff)) >>> 0
  );
}

export const HEADER_BYTES = Limits.HEADER_BYTES;
