/**
 * The bytes a daemon puts on the ring: ordered requests and group states. All integers are
 * little-endian; a name is a u8 byte count and its bytes.
 *
 *   u8 version (1) | u8 kind | body
 *   multicast   : the daemon→client frame, as every receiver will get it
 *   join, leave : member, group
 *   disconnect  : member
 *   group-state : ring id (rep, f64 incarnation, f64 seq) | daemon | u32 time | u8 has-previous
 *                 [u32 proc id, u32 time] | u32 groups × (name, u32 proc id, u32 time, u32 index,
 *                 u8 changed, u32 members × member)
 *
 * A multicast carries its frame alone because the frame already holds service, sender and
 * groups: the receiver reads them back instead of the sender repeating them. A daemon speaks
 * only for its own sessions, so decoding checks that every member and sender named belongs to
 * the daemon that sent the payload. Peer payloads are untrusted: decoding returns a
 * RingPayloadError instead of throwing, and the caller counts and drops it.
 */
import {
  decodeHeader,
  isLegalGroupName,
  isLegalPrivateName,
  isPrivateGroupName,
  Limits,
  parsePrivateGroupName,
  readNameSlot,
  ServiceType,
} from '@ringlog/wire';
import { DaemonErrorCode, RingPayloadError } from './errors.ts';
import type { GroupStateEntry, GroupStateMessage, ViewId } from './group-state.ts';
import type { OrderedRequest } from './ordering.ts';
import type { RingId } from '@ringlog/ring';

export type RingPayload = OrderedRequest | GroupStateMessage;

const FORMAT_VERSION = 1;
const PREFIX_BYTES = 2;

const Kind = { MULTICAST: 1, JOIN: 2, LEAVE: 3, DISCONNECT: 4, GROUP_STATE: 5 } as const;

const SERVICES: ReadonlySet<number> = new Set([
  ServiceType.UNRELIABLE,
  ServiceType.RELIABLE,
  ServiceType.FIFO,
  ServiceType.CAUSAL,
  ServiceType.AGREED,
  ServiceType.SAFE,
]);

/** Whether the ring must deliver this payload SAFE: only SAFE_MESS multicasts are. */
export function isSafePayload(payload: RingPayload): boolean {
  return payload.kind === 'multicast' && payload.service === ServiceType.SAFE;
}

export function encodeRingPayload(payload: RingPayload): Buffer {
  switch (payload.kind) {
    case 'multicast': {
      const bytes = Buffer.allocUnsafe(PREFIX_BYTES + payload.frame.length);
      bytes[0] = FORMAT_VERSION;
      bytes[1] = Kind.MULTICAST;
      payload.frame.copy(bytes, PREFIX_BYTES);
      return bytes;
    }
    case 'join':
    case 'leave': {
      const writer = new PayloadWriter(payload.kind === 'join' ? Kind.JOIN : Kind.LEAVE);
      writer.name(payload.member);
      writer.name(payload.group);
      return writer.finish();
    }
    case 'disconnect': {
      const writer = new PayloadWriter(Kind.DISCONNECT);
      writer.name(payload.member);
      return writer.finish();
    }
    case 'group-state':
      return encodeGroupState(payload);
  }
}

function encodeGroupState(state: GroupStateMessage): Buffer {
  const writer = new PayloadWriter(Kind.GROUP_STATE);
  writer.text(state.ringId.rep);
  writer.f64(state.ringId.repIncarnation);
  writer.f64(state.ringId.seq);
  writer.text(state.daemon);
  writer.u32(state.timeSecs);
  writer.u8(state.previousView === null ? 0 : 1);
  if (state.previousView !== null) {
    writer.u32(state.previousView.procId);
    writer.u32(state.previousView.timeSecs);
  }
  writer.u32(state.groups.length);
  for (const group of state.groups) {
    writer.name(group.name);
    writer.u32(group.groupId.procId);
    writer.u32(group.groupId.time);
    writer.u32(group.groupId.index);
    writer.u8(group.changed ? 1 : 0);
    writer.u32(group.members.length);
    for (const member of group.members) writer.name(member);
  }
  return writer.finish();
}

/** Decodes a payload the ring delivered from `origin`; a RingPayloadError when it is unusable. */
export function decodeRingPayload(payload: Uint8Array, origin: string): RingPayload | RingPayloadError {
  try {
    return decodeOrThrow(payload, origin);
  } catch (error) {
    if (error instanceof RingPayloadError) return error;
    throw error;
  }
}

function decodeOrThrow(payload: Uint8Array, origin: string): RingPayload {
  const reader = new PayloadReader(payload);
  const version = reader.u8();
  const kind = reader.u8();
  if (version !== FORMAT_VERSION) throw fail(DaemonErrorCode.RING_PAYLOAD_UNKNOWN_KIND, `format version ${version}`);
  switch (kind) {
    case Kind.MULTICAST:
      return decodeMulticast(reader.rest(), origin);
    case Kind.JOIN:
    case Kind.LEAVE: {
      const member = ownMember(reader.name(), origin);
      const group = publicGroup(reader.name());
      reader.end();
      return { kind: kind === Kind.JOIN ? 'join' : 'leave', member, group };
    }
    case Kind.DISCONNECT: {
      const member = ownMember(reader.name(), origin);
      reader.end();
      return { kind: 'disconnect', member };
    }
    case Kind.GROUP_STATE:
      return decodeGroupState(reader, origin);
    default:
      throw fail(DaemonErrorCode.RING_PAYLOAD_UNKNOWN_KIND, `kind ${kind}`);
  }
}

function decodeMulticast(frame: Buffer, origin: string): OrderedRequest {
  if (frame.length < Limits.HEADER_BYTES) throw fail(DaemonErrorCode.RING_PAYLOAD_BAD_FRAME, `frame of ${frame.length} bytes`);
  const header = decodeHeader(frame, 0);
  if (!header.littleEndian) throw fail(DaemonErrorCode.RING_PAYLOAD_BAD_FRAME, 'frame not little-endian');
  const selfDiscard = (header.type & ServiceType.SELF_DISCARD) !== 0;
  const service = header.type & ~ServiceType.SELF_DISCARD;
  if (!SERVICES.has(service)) throw fail(DaemonErrorCode.RING_PAYLOAD_BAD_FRAME, `type 0x${header.type.toString(16)}`);
  if (header.numGroups < 0 || header.numGroups > Limits.GROUPS_PER_MESSAGE_MAX || header.dataLength < 0) {
    throw fail(DaemonErrorCode.RING_PAYLOAD_BAD_FRAME, `${header.numGroups} groups, ${header.dataLength} data bytes`);
  }
  if (Limits.HEADER_BYTES + header.numGroups * Limits.GROUP_NAME_BYTES + header.dataLength !== frame.length) {
    throw fail(DaemonErrorCode.RING_PAYLOAD_TRUNCATED, `frame of ${frame.length} bytes disagrees with its header`);
  }
  if (header.sender === null) throw fail(DaemonErrorCode.RING_PAYLOAD_BAD_NAME, 'sender slot without NUL');
  const sender = ownMember(header.sender, origin);
  const groups: string[] = [];
  for (let i = 0; i < header.numGroups; i++) {
    const name = readNameSlot(frame, Limits.HEADER_BYTES + i * Limits.GROUP_NAME_BYTES);
    if (name === null) throw fail(DaemonErrorCode.RING_PAYLOAD_BAD_NAME, `group slot ${i} without NUL`);
    groups.push(name);
  }
  return { kind: 'multicast', sender, service, selfDiscard, groups, frame };
}

function decodeGroupState(reader: PayloadReader, origin: string): GroupStateMessage {
  const ringId: RingId = { rep: reader.text(), repIncarnation: reader.count(), seq: reader.count() };
  const daemon = reader.text();
  if (daemon !== origin) throw fail(DaemonErrorCode.RING_PAYLOAD_FOREIGN_MEMBER, `state of ${daemon} sent by ${origin}`);
  const timeSecs = reader.u32();
  const previousView: ViewId | null = reader.u8() === 0 ? null : { procId: reader.u32(), timeSecs: reader.u32() };
  const groups: GroupStateEntry[] = [];
  // Each group takes at least 19 bytes: the bound keeps a hostile count from allocating.
  const groupCount = reader.boundedCount(19);
  for (let g = 0; g < groupCount; g++) {
    const name = publicGroup(reader.name());
    const groupId = { procId: reader.u32(), time: reader.u32(), index: reader.u32() };
    const changed = reader.u8() !== 0;
    const memberCount = reader.boundedCount(2);
    const members: string[] = [];
    for (let m = 0; m < memberCount; m++) members.push(ownMember(reader.name(), origin));
    groups.push({ name, groupId, changed, members });
  }
  reader.end();
  return { kind: 'group-state', ringId, daemon, timeSecs, previousView, groups };
}

function ownMember(name: string, origin: string): string {
  const parts = parsePrivateGroupName(name);
  if (parts === null || !isLegalPrivateName(parts.user) || name.length >= Limits.GROUP_NAME_BYTES) throw fail(DaemonErrorCode.RING_PAYLOAD_BAD_NAME, `${JSON.stringify(name)} is not a private group`);
  if (parts.daemon !== origin) throw fail(DaemonErrorCode.RING_PAYLOAD_FOREIGN_MEMBER, `${name} sent by ${origin}`);
  return name;
}

function publicGroup(name: string): string {
  if (!isLegalGroupName(name) || isPrivateGroupName(name)) throw fail(DaemonErrorCode.RING_PAYLOAD_BAD_NAME, `${JSON.stringify(name)} is not a group name`);
  return name;
}

function fail(code: DaemonErrorCode, detail: string): RingPayloadError {
  return new RingPayloadError(code, `Ring payload dropped: ${detail}`);
}

/** Builds a payload from parts. */
class PayloadWriter {
  readonly #parts: Buffer[] = [];

  constructor(kind: number) {
    this.#parts.push(Buffer.from([FORMAT_VERSION, kind]));
  }

  u8(value: number): void {
    this.#parts.push(Buffer.from([value]));
  }

  u32(value: number): void {
    const bytes = Buffer.allocUnsafe(4);
    bytes.writeUInt32LE(value >>> 0, 0);
    this.#parts.push(bytes);
  }

  f64(value: number): void {
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeDoubleLE(value, 0);
    this.#parts.push(bytes);
  }

  /** A group or private group name: latin1, as on the client wire. */
  name(value: string): void {
    this.#bytes(Buffer.from(value, 'latin1'));
  }

  /** A daemon name: UTF-8, as the ring carries it. */
  text(value: string): void {
    this.#bytes(Buffer.from(value, 'utf8'));
  }

  #bytes(bytes: Buffer): void {
    if (bytes.length > 255) throw new Error(`ring payload: name of ${bytes.length} bytes is longer than 255`);
    this.#parts.push(Buffer.from([bytes.length]), bytes);
  }

  finish(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** Reads a payload front to back; every read past the end is a RingPayloadError. */
class PayloadReader {
  readonly #bytes: Buffer;
  #cursor = 0;

  constructor(payload: Uint8Array) {
    this.#bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  }

  #take(count: number): number {
    const at = this.#cursor;
    if (this.#bytes.length - at < count) throw fail(DaemonErrorCode.RING_PAYLOAD_TRUNCATED, `needs ${count} bytes at ${at} of ${this.#bytes.length}`);
    this.#cursor += count;
    return at;
  }

  u8(): number {
    return this.#bytes[this.#take(1)] as number;
  }

  u32(): number {
    return this.#bytes.readUInt32LE(this.#take(4));
  }

  /** A non-negative safe integer sent as f64 (ring sequence numbers and incarnations). */
  count(): number {
    const value = this.#bytes.readDoubleLE(this.#take(8));
    if (!Number.isSafeInteger(value) || value < 0) throw fail(DaemonErrorCode.RING_PAYLOAD_TRUNCATED, `bad ring number ${value}`);
    return value;
  }

  /** A u32 count of items each at least `minItemBytes` long, checked against the bytes left. */
  boundedCount(minItemBytes: number): number {
    const count = this.u32();
    if (count * minItemBytes > this.#bytes.length - this.#cursor) throw fail(DaemonErrorCode.RING_PAYLOAD_TRUNCATED, `count ${count} exceeds the payload`);
    return count;
  }

  text(): string {
    const length = this.u8();
    const at = this.#take(length);
    return this.#bytes.toString('utf8', at, at + length);
  }

  name(): string {
    const length = this.u8();
    const at = this.#take(length);
    return this.#bytes.toString('latin1', at, at + length);
  }

  rest(): Buffer {
    const at = this.#cursor;
    this.#cursor = this.#bytes.length;
    return this.#bytes.subarray(at);
  }

  end(): void {
    if (this.#cursor !== this.#bytes.length) throw fail(DaemonErrorCode.RING_PAYLOAD_TRUNCATED, `${this.#bytes.length - this.#cursor} bytes left over`);
  }
}
