/**
 * The authenticated datagram every ring daemon and monitor sends:
 *
 *   'RLR1'        4 bytes magic
 *   type          u8: 1 ring packet, 2 status request, 3 status reply
 *   sender        u8 length (1..32) + UTF-8 name
 *   incarnation   f64 safe integer >= 0: the sender's run
 *   counter       f64 safe integer >= 0: strictly increasing per sending socket (replay window)
 *   body          the rest: an encoded ring packet, or a status body below
 *   mac           32 bytes HMAC-SHA256 over every byte before it, keyed by the segment key
 *
 * Status request body: u32 nonce. Status reply body: u32 nonce + UTF-8 JSON (at most 60,000
 * bytes; produced by the daemon, carried here as an opaque string).
 *
 * The MAC is checked before anything else is parsed, magic included: a datagram that does not
 * verify is unauthenticated whatever it holds, and no parser runs on an attacker's bytes. Only
 * a datagram too short to hold a MAC is reported as truncated rather than as failing auth.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { RingErrorCode, RingPacketError } from './errors.ts';
import { ByteReader, ByteWriter, NAME_MAX_BYTES, readInt, readName, writeInt, writeName } from './packet-codec.ts';
import type { DaemonName } from './packets.ts';

export const EnvelopeType = { RING_PACKET: 1, STATUS_REQUEST: 2, STATUS_REPLY: 3 } as const;
export type EnvelopeType = (typeof EnvelopeType)[keyof typeof EnvelopeType];

const MAGIC = Buffer.from('RLR1', 'latin1');
export const MAC_BYTES = 32;
/** The shortest datagram that can be valid: a 1-byte sender name and an empty body. */
export const ENVELOPE_MIN_BYTES = MAGIC.length + 1 + 1 + 1 + 8 + 8 + MAC_BYTES;
/** Most bytes an envelope adds around its body (a 32-byte sender name). */
export const ENVELOPE_OVERHEAD_MAX_BYTES = MAGIC.length + 1 + 1 + NAME_MAX_BYTES + 8 + 8 + MAC_BYTES;
/** Largest status reply JSON, in UTF-8 bytes: keeps a reply within one datagram. */
export const STATUS_JSON_MAX_BYTES = 60_000;

export interface Envelope {
  readonly type: EnvelopeType;
  readonly sender: DaemonName;
  readonly incarnation: number;
  readonly counter: number;
  /** From openEnvelope: a view into the datagram, not a copy. */
  readonly body: Uint8Array;
}

export function sealEnvelope(envelope: Envelope, key: Buffer): Buffer {
  const writer = new ByteWriter(ENVELOPE_OVERHEAD_MAX_BYTES + envelope.body.length);
  writer.bytes(MAGIC);
  if (!isEnvelopeType(envelope.type)) throw encodeInvalid(`envelope type ${String(envelope.type)} is not 1, 2 or 3`);
  writer.u8(envelope.type);
  writeName(writer, envelope.sender, 'sender');
  writeInt(writer, envelope.incarnation, 0, 'incarnation');
  writeInt(writer, envelope.counter, 0, 'counter');
  writer.bytes(envelope.body);
  writer.bytes(mac(key, writer.finish()));
  return writer.finish();
}

/** Verifies and parses a datagram; the returned body is a view into `bytes`. */
export function openEnvelope(bytes: Uint8Array, key: Buffer): Envelope {
  if (bytes.length < ENVELOPE_MIN_BYTES) throw truncated(`datagram of ${bytes.length} bytes is shorter than the ${ENVELOPE_MIN_BYTES}-byte minimum`);
  const signedLength = bytes.length - MAC_BYTES;
  const signed = bytes.subarray(0, signedLength);
  if (!timingSafeEqual(mac(key, signed), bytes.subarray(signedLength))) {
    throw new RingPacketError(RingErrorCode.AUTH, 'Ring datagram failed HMAC verification');
  }
  const reader = new ByteReader(signed);
  if (!MAGIC.equals(reader.bytes(MAGIC.length, 'magic'))) throw invalid('bad magic');
  const type = reader.u8('type');
  if (!isEnvelopeType(type)) throw invalid(`envelope type ${type} is not 1, 2 or 3`);
  const sender = readName(reader, 'sender');
  const incarnation = readInt(reader, 0, 'incarnation');
  const counter = readInt(reader, 0, 'counter');
  const body = reader.bytes(reader.remaining, 'body');
  return { type, sender, incarnation, counter, body };
}

export function encodeStatusRequest(nonce: number): Buffer {
  checkNonce(nonce);
  const body = Buffer.allocUnsafe(4);
  body.writeUInt32BE(nonce, 0);
  return body;
}

/** Returns the request's nonce. */
export function decodeStatusRequest(body: Uint8Array): number {
  const reader = new ByteReader(body);
  const nonce = reader.u32('nonce');
  reader.end();
  return nonce;
}

export function encodeStatusReply(nonce: number, json: string): Buffer {
  checkNonce(nonce);
  const text = Buffer.from(json, 'utf8');
  if (text.length > STATUS_JSON_MAX_BYTES) {
    throw new RingPacketError(RingErrorCode.PACKET_OVERSIZE, `Status reply JSON is ${text.length} bytes, more than ${STATUS_JSON_MAX_BYTES}`);
  }
  const body = Buffer.allocUnsafe(4 + text.length);
  body.writeUInt32BE(nonce, 0);
  text.copy(body, 4);
  return body;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeStatusReply(body: Uint8Array): { nonce: number; json: string } {
  const reader = new ByteReader(body);
  const nonce = reader.u32('nonce');
  if (reader.remaining > STATUS_JSON_MAX_BYTES) throw invalid(`status reply JSON is ${reader.remaining} bytes, more than ${STATUS_JSON_MAX_BYTES}`);
  const text = reader.bytes(reader.remaining, 'json');
  try {
    return { nonce, json: UTF8.decode(text) };
  } catch {
    throw invalid('status reply JSON is not valid UTF-8');
  }
}

function mac(key: Buffer, signed: Uint8Array): Buffer {
  return createHmac('sha256', key).update(signed).digest();
}

function isEnvelopeType(type: number): type is EnvelopeType {
  return type === EnvelopeType.RING_PACKET || type === EnvelopeType.STATUS_REQUEST || type === EnvelopeType.STATUS_REPLY;
}

function checkNonce(nonce: number): void {
  if (!Number.isInteger(nonce) || nonce < 0 || nonce > 0xffff_ffff) throw encodeInvalid(`nonce ${nonce} is not a u32`);
}

function invalid(message: string): RingPacketError {
  return new RingPacketError(RingErrorCode.PACKET_INVALID, `Invalid ring datagram: ${message}`);
}

function truncated(message: string): RingPacketError {
  return new RingPacketError(RingErrorCode.PACKET_TRUNCATED, `Truncated ring datagram: ${message}`);
}

function encodeInvalid(message: string): RingPacketError {
  return new RingPacketError(RingErrorCode.ENCODE_INVALID, `Cannot seal ring datagram: ${message}`);
}
