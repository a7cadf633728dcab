/**
 * The byte encoding of ring packets (the body of an authenticated datagram, see
 * packet-envelope.ts). Big-endian throughout. A packet is a 1-byte kind tag and then its fields:
 *
 *   name     u8 length (1..32) + UTF-8 bytes
 *   int      f64 holding a safe integer (sequence numbers, hops, incarnations may pass 2^32;
 *            aru-like fields and installSeq may be -1)
 *   flag     u8, 0 or 1
 *   count    u16 element count of the array that follows
 *   ringId   name rep, int repIncarnation (>= 0), int seq (>= 0)
 *   entry    u8 flags (bit 0: safe), u16 fragIndex, u16 fragCount, u32 payload length + bytes
 *
 * Kinds (tag: fields in order):
 *   1 data       ringId, int seq, name origin, flag old [ringId, int seq], count entries
 *   2 token      ringId, int hop, name sender, int seq (>= -1), count arus (int >= -1 each),
 *                count rtr (int each), int backlog, count recovered (flag each; 0 or as many
 *                as arus), int installSeq (>= -1)
 *   3 token-ack  ringId, int hop, name sender
 *   4 join       name sender, int incarnation, count procSet names, count failSet names
 *                (no name twice in a set), int ringSeq (>= -1)
 *   5 commit     ringId, int hop, name sender, u8 rotation (1 or 2), count members (>= 1,
 *                distinct), each: name, int incarnation, flag info [int incarnation, flag
 *                oldRingId [ringId], int oldAru, int oldHighSeq, int oldStable (each >= -1)]
 *   6 probe      name sender, int incarnation, ringId
 *
 * Rules of this file: the encoder and decoder check the same ranges through the same field
 * helpers, so whatever encodes decodes to an equal packet, and whatever decodes re-encodes to
 * the same bytes (the encoding is canonical). Decoding never trusts a count before checking that
 * the bytes left can hold it, and every failure is a `RingPacketError` (TRUNCATED when bytes run
 * out, INVALID for a value the protocol forbids), never a RangeError from a Buffer read.
 *
 * Zero-copy: a decoded entry's `payload` is a view into the decoded bytes, not a copy. Whoever
 * keeps a payload keeps that datagram's memory alive, and must not let the input be reused.
 */
import { RingErrorCode, RingPacketError } from './errors.ts';
import type { CommitPacket, DaemonName, DataPacket, Entry, JoinPacket, MemberInfo, ProbePacket, RingId, RingPacket, TokenAckPacket, TokenPacket } from './packets.ts';

/** The 1-byte kind tag that opens every encoded packet. */
export const RingPacketTag = { data: 1, token: 2, 'token-ack': 3, join: 4, commit: 5, probe: 6 } as const;
export type RingPacketTag = (typeof RingPacketTag)[keyof typeof RingPacketTag];

/** Longest daemon name in UTF-8 bytes. */
export const NAME_MAX_BYTES = 32;
/** Bytes an entry costs beyond its payload (flags, fragIndex, fragCount, payload length). */
export const ENTRY_HEADER_BYTES = 9;
/** Most fragments of one message, and most elements of any array (u16 counts). */
export const COUNT_MAX = 0xffff;
/**
 * Most bytes a data packet costs beyond its entries: tag, ring id, seq, origin, the `old` ring
 * id and seq, and the entry count, with every name at its 32-byte maximum.
 */
export const DATA_PACKET_HEADER_MAX_BYTES = 1 + ringIdMaxBytes() + 8 + 1 + NAME_MAX_BYTES + 1 + ringIdMaxBytes() + 8 + 2;

function ringIdMaxBytes(): number {
  return 1 + NAME_MAX_BYTES + 8 + 8;
}

/**
 * Compile-time guard: packets.ts evolves with the state machine, and a field added there (even an
 * optional one, which the decoder's return types would not catch) must break typecheck here
 * until this file carries it. Each list names every field the codec encodes.
 */
type Covers<T, Fields extends keyof T> = [Exclude<keyof T, Fields>] extends [never] ? true : never;
const _FIELDS_COVERED: readonly true[] = [
  true satisfies Covers<RingId, 'rep' | 'repIncarnation' | 'seq'>,
  true satisfies Covers<Entry, 'safe' | 'fragIndex' | 'fragCount' | 'payload'>,
  true satisfies Covers<DataPacket, 'kind' | 'ringId' | 'seq' | 'origin' | 'entries' | 'old'>,
  true satisfies Covers<TokenPacket, 'kind' | 'ringId' | 'hop' | 'sender' | 'seq' | 'arus' | 'rtr' | 'backlog' | 'recovered' | 'installSeq'>,
  true satisfies Covers<TokenAckPacket, 'kind' | 'ringId' | 'hop' | 'sender'>,
  true satisfies Covers<JoinPacket, 'kind' | 'sender' | 'incarnation' | 'procSet' | 'failSet' | 'ringSeq'>,
  true satisfies Covers<CommitPacket, 'kind' | 'ringId' | 'hop' | 'sender' | 'members' | 'incarnations' | 'infos' | 'rotation'>,
  true satisfies Covers<MemberInfo, 'incarnation' | 'oldRingId' | 'oldAru' | 'oldHighSeq' | 'oldStable'>,
  true satisfies Covers<ProbePacket, 'kind' | 'sender' | 'incarnation' | 'ringId'>,
];

const ENTRY_SAFE_FLAG = 0x01;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeRingPacket(packet: RingPacket): Buffer {
  const writer = new ByteWriter();
  switch (packet.kind) {
    case 'data':
      writer.u8(RingPacketTag.data);
      writeData(writer, packet);
      break;
    case 'token':
      writer.u8(RingPacketTag.token);
      writeToken(writer, packet);
      break;
    case 'token-ack':
      writer.u8(RingPacketTag['token-ack']);
      writeTokenAck(writer, packet);
      break;
    case 'join':
      writer.u8(RingPacketTag.join);
      writeJoin(writer, packet);
      break;
    case 'commit':
      writer.u8(RingPacketTag.commit);
      writeCommit(writer, packet);
      break;
    case 'probe':
      writer.u8(RingPacketTag.probe);
      writeProbe(writer, packet);
      break;
    default:
      throw encodeInvalid(`unknown packet kind ${String((packet as { kind?: unknown }).kind)}`);
  }
  return writer.finish();
}

/** Decodes one whole packet; `bytes` must hold exactly one. Entry payloads are views into `bytes`. */
export function decodeRingPacket(bytes: Uint8Array): RingPacket {
  const reader = new ByteReader(bytes);
  const tag = reader.u8('kind tag');
  const packet = readBody(reader, tag);
  reader.end();
  return packet;
}

function readBody(reader: ByteReader, tag: number): RingPacket {
  switch (tag) {
    case RingPacketTag.data:
      return readData(reader);
    case RingPacketTag.token:
      return readToken(reader);
    case RingPacketTag['token-ack']:
      return readTokenAck(reader);
    case RingPacketTag.join:
      return readJoin(reader);
    case RingPacketTag.commit:
      return readCommit(reader);
    case RingPacketTag.probe:
      return readProbe(reader);
    default:
      throw invalid(`unknown kind tag ${tag}`);
  }
}

// ---- data ----

function writeData(writer: ByteWriter, packet: DataPacket): void {
  writeRingId(writer, packet.ringId, 'ringId');
  writeInt(writer, packet.seq, 0, 'seq');
  writeName(writer, packet.origin, 'origin');
  writeFlag(writer, packet.old !== undefined);
  if (packet.old !== undefined) {
    writeRingId(writer, packet.old.ringId, 'old.ringId');
    writeInt(writer, packet.old.seq, 0, 'old.seq');
  }
  writeCount(writer, packet.entries.length, 'entries');
  for (const entry of packet.entries) writeEntry(writer, entry);
}

function readData(reader: ByteReader): DataPacket {
  const ringId = readRingId(reader, 'ringId');
  const seq = readInt(reader, 0, 'seq');
  const origin = readName(reader, 'origin');
  let old: { ringId: RingId; seq: number } | undefined;
  if (readFlag(reader, 'old present')) old = { ringId: readRingId(reader, 'old.ringId'), seq: readInt(reader, 0, 'old.seq') };
  const count = readCount(reader, ENTRY_HEADER_BYTES, 'entries');
  const entries: Entry[] = [];
  for (let index = 0; index < count; index++) entries.push(readEntry(reader));
  const packet: DataPacket = { kind: 'data', ringId, seq, origin, entries };
  return old === undefined ? packet : { ...packet, old };
}

function writeEntry(writer: ByteWriter, entry: Entry): void {
  checkFragment(entry.fragIndex, entry.fragCount, encodeInvalid);
  if (entry.payload.length > 0xffff_ffff) throw encodeInvalid(`entry payload of ${entry.payload.length} bytes exceeds the u32 length`);
  writer.u8(entry.safe ? ENTRY_SAFE_FLAG : 0);
  writer.u16(entry.fragIndex);
  writer.u16(entry.fragCount);
  writer.u32(entry.payload.length);
  writer.bytes(entry.payload);
}

function readEntry(reader: ByteReader): Entry {
  const flags = reader.u8('entry flags');
  if ((flags & ~ENTRY_SAFE_FLAG) !== 0) throw invalid(`entry flags 0x${flags.toString(16)} has unknown bits`);
  const fragIndex = reader.u16('fragIndex');
  const fragCount = reader.u16('fragCount');
  checkFragment(fragIndex, fragCount, invalid);
  const length = reader.u32('payload length');
  const payload = reader.bytes(length, 'payload');
  return { safe: (flags & ENTRY_SAFE_FLAG) !== 0, fragIndex, fragCount, payload };
}

function checkFragment(fragIndex: number, fragCount: number, fail: (message: string) => RingPacketError): void {
  if (!Number.isInteger(fragCount) || fragCount < 1 || fragCount > COUNT_MAX) throw fail(`fragCount ${fragCount} is not in 1..${COUNT_MAX}`);
  if (!Number.isInteger(fragIndex) || fragIndex < 0 || fragIndex >= fragCount) throw fail(`fragIndex ${fragIndex} is not in 0..${fragCount - 1}`);
}

// ---- token and token-ack ----

function writeToken(writer: ByteWriter, packet: TokenPacket): void {
  checkRecoveredLength(packet.recovered.length, packet.arus.length, encodeInvalid);
  writeRingId(writer, packet.ringId, 'ringId');
  writeInt(writer, packet.hop, 0, 'hop');
  writeName(writer, packet.sender, 'sender');
  writeInt(writer, packet.seq, -1, 'seq');
  writeCount(writer, packet.arus.length, 'arus');
  for (const aru of packet.arus) writeInt(writer, aru, -1, 'aru');
  writeCount(writer, packet.rtr.length, 'rtr');
  for (const seq of packet.rtr) writeInt(writer, seq, 0, 'rtr');
  writeInt(writer, packet.backlog, 0, 'backlog');
  writeCount(writer, packet.recovered.length, 'recovered');
  for (const recovered of packet.recovered) writeFlag(writer, recovered);
  writeInt(writer, packet.installSeq, -1, 'installSeq');
}

function readToken(reader: ByteReader): TokenPacket {
  const ringId = readRingId(reader, 'ringId');
  const hop = readInt(reader, 0, 'hop');
  const sender = readName(reader, 'sender');
  const seq = readInt(reader, -1, 'seq');
  const arus = readArray(reader, 8, 'arus', () => readInt(reader, -1, 'aru'));
  const rtr = readArray(reader, 8, 'rtr', () => readInt(reader, 0, 'rtr'));
  const backlog = readInt(reader, 0, 'backlog');
  const recovered = readArray(reader, 1, 'recovered', () => readFlag(reader, 'recovered'));
  checkRecoveredLength(recovered.length, arus.length, invalid);
  const installSeq = readInt(reader, -1, 'installSeq');
  return { kind: 'token', ringId, hop, sender, seq, arus, rtr, backlog, recovered, installSeq };
}

/** `recovered` is empty outside recovery and has one flag per member (like `arus`) in it. */
function checkRecoveredLength(recovered: number, arus: number, fail: (message: string) => RingPacketError): void {
  if (recovered !== 0 && recovered !== arus) throw fail(`token has ${recovered} recovered flags for ${arus} arus`);
}

function writeTokenAck(writer: ByteWriter, packet: TokenAckPacket): void {
  writeRingId(writer, packet.ringId, 'ringId');
  writeInt(writer, packet.hop, 0, 'hop');
  writeName(writer, packet.sender, 'sender');
}

function readTokenAck(reader: ByteReader): TokenAckPacket {
  const ringId = readRingId(reader, 'ringId');
  const hop = readInt(reader, 0, 'hop');
  const sender = readName(reader, 'sender');
  return { kind: 'token-ack', ringId, hop, sender };
}

// ---- join and probe ----

function writeJoin(writer: ByteWriter, packet: JoinPacket): void {
  writeName(writer, packet.sender, 'sender');
  writeInt(writer, packet.incarnation, 0, 'incarnation');
  writeNameSet(writer, packet.procSet, 'procSet');
  writeNameSet(writer, packet.failSet, 'failSet');
  writeInt(writer, packet.ringSeq, -1, 'ringSeq');
}

function readJoin(reader: ByteReader): JoinPacket {
  const sender = readName(reader, 'sender');
  const incarnation = readInt(reader, 0, 'incarnation');
  const procSet = readNameSet(reader, 'procSet');
  const failSet = readNameSet(reader, 'failSet');
  const ringSeq = readInt(reader, -1, 'ringSeq');
  return { kind: 'join', sender, incarnation, procSet, failSet, ringSeq };
}

function writeProbe(writer: ByteWriter, packet: ProbePacket): void {
  writeName(writer, packet.sender, 'sender');
  writeInt(writer, packet.incarnation, 0, 'incarnation');
  writeRingId(writer, packet.ringId, 'ringId');
}

function readProbe(reader: ByteReader): ProbePacket {
  const sender = readName(reader, 'sender');
  const incarnation = readInt(reader, 0, 'incarnation');
  const ringId = readRingId(reader, 'ringId');
  return { kind: 'probe', sender, incarnation, ringId };
}

// ---- commit ----

/** Members, incarnations and infos share one count on the wire, so they cannot disagree there. */
function writeCommit(writer: ByteWriter, packet: CommitPacket): void {
  const count = packet.members.length;
  if (packet.incarnations.length !== count || packet.infos.length !== count) {
    throw encodeInvalid(`commit has ${count} members, ${packet.incarnations.length} incarnations and ${packet.infos.length} infos`);
  }
  checkCommitMembers(packet.members, encodeInvalid);
  writeRingId(writer, packet.ringId, 'ringId');
  writeInt(writer, packet.hop, 0, 'hop');
  writeName(writer, packet.sender, 'sender');
  if (packet.rotation !== 1 && packet.rotation !== 2) throw encodeInvalid(`rotation ${String(packet.rotation)} is not 1 or 2`);
  writer.u8(packet.rotation);
  writeCount(writer, count, 'members');
  for (let index = 0; index < count; index++) {
    writeName(writer, packet.members[index] as DaemonName, 'member');
    writeInt(writer, packet.incarnations[index] as number, 0, 'incarnation');
    const info = packet.infos[index] ?? null;
    writeFlag(writer, info !== null);
    if (info !== null) writeMemberInfo(writer, info);
  }
}

function readCommit(reader: ByteReader): CommitPacket {
  const ringId = readRingId(reader, 'ringId');
  const hop = readInt(reader, 0, 'hop');
  const sender = readName(reader, 'sender');
  const rotation = reader.u8('rotation');
  if (rotation !== 1 && rotation !== 2) throw invalid(`rotation ${rotation} is not 1 or 2`);
  const count = readCount(reader, 2 + 8 + 1, 'members');
  const members: DaemonName[] = [];
  const incarnations: number[] = [];
  const infos: (MemberInfo | null)[] = [];
  for (let index = 0; index < count; index++) {
    members.push(readName(reader, 'member'));
    incarnations.push(readInt(reader, 0, 'incarnation'));
    infos.push(readFlag(reader, 'info present') ? readMemberInfo(reader) : null);
  }
  checkCommitMembers(members, invalid);
  return { kind: 'commit', ringId, hop, sender, members, incarnations, infos, rotation };
}

function checkCommitMembers(members: readonly DaemonName[], fail: (message: string) => RingPacketError): void {
  if (members.length === 0) throw fail('commit has no members');
  if (new Set(members).size !== members.length) throw fail('commit lists a member twice');
}

function writeMemberInfo(writer: ByteWriter, info: MemberInfo): void {
  writeInt(writer, info.incarnation, 0, 'info.incarnation');
  writeFlag(writer, info.oldRingId !== null);
  if (info.oldRingId !== null) writeRingId(writer, info.oldRingId, 'info.oldRingId');
  writeInt(writer, info.oldAru, -1, 'info.oldAru');
  writeInt(writer, info.oldHighSeq, -1, 'info.oldHighSeq');
  writeInt(writer, info.oldStable, -1, 'info.oldStable');
}

function readMemberInfo(reader: ByteReader): MemberInfo {
  const incarnation = readInt(reader, 0, 'info.incarnation');
  const oldRingId = readFlag(reader, 'info.oldRingId present') ? readRingId(reader, 'info.oldRingId') : null;
  const oldAru = readInt(reader, -1, 'info.oldAru');
  const oldHighSeq = readInt(reader, -1, 'info.oldHighSeq');
  const oldStable = readInt(reader, -1, 'info.oldStable');
  return { incarnation, oldRingId, oldAru, oldHighSeq, oldStable };
}

// ---- shared fields: each writer and its reader check the same range ----

function writeRingId(writer: ByteWriter, id: RingId, field: string): void {
  writeName(writer, id.rep, `${field}.rep`);
  writeInt(writer, id.repIncarnation, 0, `${field}.repIncarnation`);
  writeInt(writer, id.seq, 0, `${field}.seq`);
}

function readRingId(reader: ByteReader, field: string): RingId {
  const rep = readName(reader, `${field}.rep`);
  const repIncarnation = readInt(reader, 0, `${field}.repIncarnation`);
  const seq = readInt(reader, 0, `${field}.seq`);
  return { rep, repIncarnation, seq };
}

/** Writes a safe integer >= `min` as an f64. */
export function writeInt(writer: ByteWriter, value: number, min: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < min) throw encodeInvalid(`${field} ${value} is not a safe integer >= ${min}`);
  // + 0 turns -0 into 0, so encoding is canonical.
  writer.f64(value + 0);
}

/** Reads an f64 that must hold a safe integer >= `min`. */
export function readInt(reader: ByteReader, min: number, field: string): number {
  const value = reader.f64(field);
  if (!Number.isSafeInteger(value) || value < min) throw invalid(`${field} ${value} is not a safe integer >= ${min}`);
  // The encoder never writes -0, so accepting it would give two encodings of one packet.
  if (Object.is(value, -0)) throw invalid(`${field} is -0`);
  return value;
}

function writeFlag(writer: ByteWriter, value: boolean): void {
  writer.u8(value ? 1 : 0);
}

function readFlag(reader: ByteReader, field: string): boolean {
  const value = reader.u8(field);
  if (value > 1) throw invalid(`${field} flag is ${value}, not 0 or 1`);
  return value === 1;
}

/** Writes a daemon name: u8 length + UTF-8, 1..32 bytes, and only strings that survive UTF-8. */
export function writeName(writer: ByteWriter, name: DaemonName, field: string): void {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length === 0 || bytes.length > NAME_MAX_BYTES) throw encodeInvalid(`${field} "${name}" is ${bytes.length} bytes, not 1..${NAME_MAX_BYTES}`);
  // A lone surrogate becomes U+FFFD on the wire; refuse it rather than send another name.
  if (bytes.toString('utf8') !== name) throw encodeInvalid(`${field} is not well-formed Unicode`);
  writer.u8(bytes.length);
  writer.bytes(bytes);
}

export function readName(reader: ByteReader, field: string): DaemonName {
  const length = reader.u8(`${field} length`);
  if (length === 0 || length > NAME_MAX_BYTES) throw invalid(`${field} length ${length} is not 1..${NAME_MAX_BYTES}`);
  const bytes = reader.bytes(length, field);
  try {
    return UTF8.decode(bytes);
  } catch {
    throw invalid(`${field} is not valid UTF-8`);
  }
}

function writeCount(writer: ByteWriter, count: number, field: string): void {
  if (count > COUNT_MAX) throw encodeInvalid(`${field} has ${count} elements, more than ${COUNT_MAX}`);
  writer.u16(count);
}

/** Reads a count and checks the bytes left can hold that many elements before anything is allocated. */
function readCount(reader: ByteReader, elementMinBytes: number, field: string): number {
  const count = reader.u16(`${field} count`);
  if (count * elementMinBytes > reader.remaining) {
    throw truncated(`${field} count ${count} needs at least ${count * elementMinBytes} bytes at offset ${reader.offset}, ${reader.remaining} left`);
  }
  return count;
}

function readArray<T>(reader: ByteReader, elementMinBytes: number, field: string, readOne: () => T): T[] {
  const count = readCount(reader, elementMinBytes, field);
  const items: T[] = [];
  for (let index = 0; index < count; index++) items.push(readOne());
  return items;
}

function writeNameSet(writer: ByteWriter, names: readonly DaemonName[], field: string): void {
  if (new Set(names).size !== names.length) throw encodeInvalid(`${field} lists a name twice`);
  writeCount(writer, names.length, field);
  for (const name of names) writeName(writer, name, field);
}

function readNameSet(reader: ByteReader, field: string): DaemonName[] {
  const names = readArray(reader, 2, field, () => readName(reader, field));
  if (new Set(names).size !== names.length) throw invalid(`${field} lists a name twice`);
  return names;
}

// ---- errors ----

function invalid(message: string): RingPacketError {
  return new RingPacketError(RingErrorCode.PACKET_INVALID, `Invalid ring packet: ${message}`);
}

function truncated(message: string): RingPacketError {
  return new RingPacketError(RingErrorCode.PACKET_TRUNCATED, `Truncated ring packet: ${message}`);
}

function encodeInvalid(message: string): RingPacketError {
  return new RingPacketError(RingErrorCode.ENCODE_INVALID, `Cannot encode ring packet: ${message}`);
}

// ---- byte cursors (shared with packet-envelope.ts) ----

/**
 * Reads big-endian fields from a Uint8Array (any byteOffset). Every read checks the bytes left
 * first and throws RL_RING_PACKET_TRUNCATED; `bytes()` returns a view, not a copy.
 */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  u8(field: string): number {
    const at = this.#take(1, field);
    return this.#view.getUint8(at);
  }

  u16(field: string): number {
    const at = this.#take(2, field);
    return this.#view.getUint16(at);
  }

  u32(field: string): number {
    const at = this.#take(4, field);
    return this.#view.getUint32(at);
  }

  f64(field: string): number {
    const at = this.#take(8, field);
    return this.#view.getFloat64(at);
  }

  /** A zero-copy view of the next `length` bytes. */
  bytes(length: number, field: string): Uint8Array {
    const at = this.#take(length, field);
    return new Uint8Array(this.#bytes.buffer, this.#bytes.byteOffset + at, length);
  }

  /** Throws RL_RING_PACKET_INVALID unless every byte was read. */
  end(): void {
    if (this.remaining !== 0) throw invalid(`${this.remaining} trailing bytes at offset ${this.#offset}`);
  }

  #take(length: number, field: string): number {
    if (length > this.remaining) throw truncated(`${field} needs ${length} bytes at offset ${this.#offset}, ${this.remaining} left`);
    const at = this.#offset;
    this.#offset += length;
    return at;
  }
}

/**
 * Appends big-endian fields to a growing buffer; `finish()` returns the bytes written. Each
 * method reserves before touching `#buffer`: reserving may replace it.
 */
export class ByteWriter {
  #buffer: Buffer;
  #length = 0;

  constructor(initialBytes = 256) {
    this.#buffer = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.#length;
  }

  u8(value: number): void {
    const at = this.#reserve(1);
    this.#buffer.writeUInt8(value, at);
  }

  u16(value: number): void {
    const at = this.#reserve(2);
    this.#buffer.writeUInt16BE(value, at);
  }

  u32(value: number): void {
    const at = this.#reserve(4);
    this.#buffer.writeUInt32BE(value, at);
  }

  f64(value: number): void {
    const at = this.#reserve(8);
    this.#buffer.writeDoubleBE(value, at);
  }

  bytes(bytes: Uint8Array): void {
    const at = this.#reserve(bytes.length);
    this.#buffer.set(bytes, at);
  }

  finish(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  #reserve(length: number): number {
    const at = this.#length;
    const needed = at + length;
    if (needed > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, at);
      this.#buffer = grown;
    }
    this.#length = needed;
    return at;
  }
}
