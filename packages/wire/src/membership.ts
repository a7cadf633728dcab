/**
 * Membership message bodies (spec §6.5), all u32 in the daemon's (little-endian) order:
 *   group_id {proc_id, time, index} | num_vs_sets | local_vs_set_offset | vs_sets…
 * A vs_set is `u32 n` then n 32-byte names; the offset counts from byte 20.
 * TRANSITION bodies hold the 12-byte group_id alone.
 */
import { Limits } from './constants.ts';
import { WireErrorCode, WireProtocolError } from './errors.ts';
import { readNameSlot, writeNameSlot } from './names.ts';

export interface GroupId {
  /** Daemon id (VirtualID) of the ring representative that formed the view. */
  readonly procId: number;
  /** Ring membership time, Unix seconds. */
  readonly time: number;
  /** Per-group change counter. */
  readonly index: number;
}

export interface MembershipBody {
  readonly groupId: GroupId;
  readonly vsSets: readonly (readonly string[])[];
  /** Byte offset from byte 20 of the vs_set holding the receiver. */
  readonly localVsSetOffset: number;
}

const GROUP_ID_BYTES = 12;
const VS_SETS_START = 20;

export function encodeGroupId(groupId: GroupId): Buffer {
  const buffer = Buffer.allocUnsafe(GROUP_ID_BYTES);
  writeGroupId(buffer, 0, groupId);
  return buffer;
}

function writeGroupId(buffer: Buffer, offset: number, groupId: GroupId): void {
  buffer.writeUInt32LE(groupId.procId >>> 0, offset);
  buffer.writeUInt32LE(groupId.time >>> 0, offset + 4);
  buffer.writeUInt32LE(groupId.index >>> 0, offset + 8);
}

export function decodeGroupId(buffer: Buffer, offset = 0): GroupId {
  if (buffer.length - offset < GROUP_ID_BYTES) {
    throw new WireProtocolError(WireErrorCode.BAD_MEMBERSHIP_BODY, `Group id needs 12 bytes, has ${buffer.length - offset}`);
  }
  return {
    procId: buffer.readUInt32LE(offset),
    time: buffer.readUInt32LE(offset + 4),
    index: buffer.readUInt32LE(offset + 8),
  };
}

/** Byte offset (from byte 20) of vs_set `setIndex` in a body holding `vsSets`. */
export function vsSetOffset(vsSets: readonly (readonly string[])[], setIndex: number): number {
  let offset = 0;
  for (let i = 0; i < setIndex; i++) offset += 4 + (vsSets[i]?.length ?? 0) * Limits.GROUP_NAME_BYTES;
  return offset;
}

export function encodeMembershipBody(body: MembershipBody): Buffer {
  let size = VS_SETS_START;
  for (const set of body.vsSets) size += 4 + set.length * Limits.GROUP_NAME_BYTES;
  const buffer = Buffer.allocUnsafe(size);
  writeGroupId(buffer, 0, body.groupId);
  buffer.writeUInt32LE(body.vsSets.length, 12);
  buffer.writeUInt32LE(body.localVsSetOffset, 16);
  let cursor = VS_SETS_START;
  for (const set of body.vsSets) {
    buffer.writeUInt32LE(set.length, cursor);
    cursor += 4;
    for (const name of set) {
      writeNameSlot(buffer, cursor, name);
      cursor += Limits.GROUP_NAME_BYTES;
    }
  }
  return buffer;
}

export function decodeMembershipBody(buffer: Buffer): MembershipBody {
  const groupId = decodeGroupId(buffer, 0);
  if (buffer.length < VS_SETS_START) throw truncated('header', buffer.length);
  const count = buffer.readUInt32LE(12);
  const localVsSetOffset = buffer.readUInt32LE(16);
  // Each vs_set needs at least its 4-byte count, so this bounds `count` before looping.
  if (count > (buffer.length - VS_SETS_START) / 4) throw truncated(`${count} vs_sets`, buffer.length);
  const vsSets: string[][] = [];
  let cursor = VS_SETS_START;
  for (let i = 0; i < count; i++) {
    if (buffer.length - cursor < 4) throw truncated(`vs_set ${i}`, buffer.length);
    const members = buffer.readUInt32LE(cursor);
    cursor += 4;
    if (members > (buffer.length - cursor) / Limits.GROUP_NAME_BYTES) throw truncated(`vs_set ${i} members`, buffer.length);
    const set: string[] = [];
    for (let m = 0; m < members; m++) {
      const name = readNameSlot(buffer, cursor);
      if (name === null) throw new WireProtocolError(WireErrorCode.BAD_MEMBERSHIP_BODY, `vs_set ${i} name ${m} has no NUL`);
      set.push(name);
      cursor += Limits.GROUP_NAME_BYTES;
    }
    vsSets.push(set);
  }
  return { groupId, vsSets, localVsSetOffset };
}

function truncated(what: string, length: number): WireProtocolError {
  return new WireProtocolError(WireErrorCode.BAD_MEMBERSHIP_BODY, `Membership body of ${length} bytes is too short for ${what}`);
}
