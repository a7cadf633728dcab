/**
 * Whole messages: header, optional REJECT old_type, group slots, payload (spec §6.3, §6.5).
 * Encoding builds one contiguous Buffer so a daemon can hand the same bytes to every receiver.
 */
import { Limits, ServiceType } from './constants.ts';
import { WireErrorCode, WireProtocolError, WireUsageError } from './errors.ts';
import { decodeHeader, type MessageHeader, writeHeader } from './header.ts';
import { readNameSlot, writeNameSlot } from './names.ts';

export interface Message {
  readonly header: MessageHeader;
  /** For REJECT_MESS from a daemon: the rejected message's type; otherwise null. */
  readonly oldType: number | null;
  readonly groups: readonly string[];
  /** The payload, a view into the received bytes: never byte-swapped. */
  readonly data: Buffer;
}

export interface MessageFields {
  /** Service/membership/control bits, without the endian marker. */
  readonly type: number;
  readonly sender: string;
  readonly groups: readonly string[];
  /** Raw hint; use hintFromMessType() to build one. */
  readonly hint: number;
  readonly data?: Uint8Array;
  /** Only for REJECT_MESS. */
  readonly oldType?: number;
  /**
   * Overrides num_groups on the wire. Membership messages list members in the group slots,
   * so this stays equal to groups.length there; it exists for tests of hostile frames.
   */
  readonly numGroupsOverride?: number;
}

const EMPTY = Buffer.alloc(0);

export function hasOldType(type: number): boolean {
  return (type & ServiceType.REJECT) !== 0;
}

/** Bytes that follow the header for these header values. */
export function bodyBytes(type: number, numGroups: number, dataLength: number, fromDaemon: boolean): number {
  const oldType = fromDaemon && hasOldType(type) ? Limits.REJECT_OLD_TYPE_BYTES : 0;
  return oldType + numGroups * Limits.GROUP_NAME_BYTES + dataLength;
}

export function encodeMessage(fields: MessageFields): Buffer {
  const data = fields.data ?? EMPTY;
  const oldTypeBytes = fields.oldType === undefined ? 0 : Limits.REJECT_OLD_TYPE_BYTES;
  const groupsOffset = Limits.HEADER_BYTES + oldTypeBytes;
  const dataOffset = groupsOffset + fields.groups.length * Limits.GROUP_NAME_BYTES;
  if (fields.oldType !== undefined && !hasOldType(fields.type)) {
    throw new WireUsageError(WireErrorCode.ENCODE_INVALID, 'old_type is only carried by REJECT_MESS');
  }
  const buffer = Buffer.allocUnsafe(dataOffset + data.length);
  writeHeader(buffer, 0, {
    type: fields.type,
    sender: fields.sender,
    numGroups: fields.numGroupsOverride ?? fields.groups.length,
    hint: fields.hint,
    dataLength: data.length,
  });
  if (fields.oldType !== undefined) buffer.writeUInt32LE(fields.oldType >>> 0, Limits.HEADER_BYTES);
  for (let i = 0; i < fields.groups.length; i++) {
    writeNameSlot(buffer, groupsOffset + i * Limits.GROUP_NAME_BYTES, fields.groups[i] as string);
  }
  buffer.set(data, dataOffset);
  return buffer;
}

/**
 * Decodes one complete frame starting at `offset`. The caller has checked that
 * `frameLength` bytes are present. Group slots without a NUL are a protocol error.
 */
export function decodeMessageAt(
  buffer: Buffer,
  offset: number,
  header: MessageHeader,
  fromDaemon: boolean,
): Message | WireProtocolError {
  let cursor = offset + Limits.HEADER_BYTES;
  let oldType: number | null = null;
  if (fromDaemon && hasOldType(header.type)) {
    oldType = buffer.readUInt32LE(cursor);
    cursor += Limits.REJECT_OLD_TYPE_BYTES;
  }
  const groups: string[] = new Array<string>(header.numGroups);
  for (let i = 0; i < header.numGroups; i++) {
    const name = readNameSlot(buffer, cursor);
    if (name === null) {
      return new WireProtocolError(WireErrorCode.BAD_GROUP_NAME, `Group slot ${i} has no NUL within 32 bytes`);
    }
    groups[i] = name;
    cursor += Limits.GROUP_NAME_BYTES;
  }
  const data = buffer.subarray(cursor, cursor + header.dataLength);
  return { header, oldType, groups, data };
}

/** Decodes a buffer that holds exactly one frame; throws on malformed bytes. For tests and tools. */
export function decodeMessage(buffer: Buffer, fromDaemon: boolean): Message {
  if (buffer.length < Limits.HEADER_BYTES) {
    throw new WireProtocolError(WireErrorCode.BAD_DATA_LENGTH, `Frame of ${buffer.length} bytes is shorter than a header`);
  }
  const header = decodeHeader(buffer, 0);
  const expected = Limits.HEADER_BYTES + bodyBytes(header.type, header.numGroups, header.dataLength, fromDaemon);
  if (header.numGroups < 0 || header.dataLength < 0 || expected !== buffer.length) {
    throw new WireProtocolError(WireErrorCode.BAD_DATA_LENGTH, `Frame is ${buffer.length} bytes, header says ${expected}`);
  }
  const message = decodeMessageAt(buffer, 0, header, fromDaemon);
  if (message instanceof WireProtocolError) throw message;
  return message;
}
