/**
 * Errors of the ring package's byte layer (codec, envelope, UDP transport). A peer's bad bytes
 * are operating conditions: the transport counts and drops them and never lets an error escape
 * its socket handler, so `RingPacketError`s with the TRUNCATED / INVALID / AUTH codes only
 * reach callers of the pure decode functions. What throws at callers of the transport is local
 * misuse (bad options, unknown peer, oversize packet, use before start or after close) and a
 * failed bind, wrapped with its `cause`.
 */

export const RingErrorCode = {
  PACKET_TRUNCATED: 'RL_RING_PACKET_TRUNCATED',
  PACKET_INVALID: 'RL_RING_PACKET_INVALID',
  AUTH: 'RL_RING_AUTH',
  ENCODE_INVALID: 'RL_RING_ENCODE_INVALID',
  PACKET_OVERSIZE: 'RL_RING_PACKET_OVERSIZE',
  BAD_OPTION: 'RL_RING_BAD_OPTION',
  UNKNOWN_PEER: 'RL_RING_UNKNOWN_PEER',
  TRANSPORT_STATE: 'RL_RING_TRANSPORT_STATE',
  BIND: 'RL_RING_BIND',
} as const;
export type RingErrorCode = (typeof RingErrorCode)[keyof typeof RingErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const RING_ERROR_DESCRIPTIONS: Readonly<Record<RingErrorCode, string>> = {
  RL_RING_PACKET_TRUNCATED: 'A ring datagram or packet body ends before a field it announces (including counts or lengths larger than the bytes left).',
  RL_RING_PACKET_INVALID:
    'A ring datagram or packet body has a value the protocol forbids: bad magic, message type or kind tag, a name that is empty, over 32 bytes or not UTF-8, a number out of range, fragIndex >= fragCount, mismatched array lengths, duplicate names, unknown flag bits, or trailing bytes.',
  RL_RING_AUTH: 'A ring datagram failed HMAC-SHA256 verification under the segment key: it was altered, truncated, or sealed with another key.',
  RL_RING_ENCODE_INVALID: 'Local code asked to encode a ring packet or envelope the format cannot carry (a name over 32 bytes, a number out of range, mismatched arrays).',
  RL_RING_PACKET_OVERSIZE: 'Local code asked to send a ring datagram larger than maxDatagramBytes, or a status reply JSON over 60,000 bytes.',
  RL_RING_BAD_OPTION: 'The UDP ring transport, its replay window or the status client was given invalid options (an empty key, a bad name, a group mode without groupAddress, a bad maxDatagramBytes, incarnation, window size or timeout).',
  RL_RING_UNKNOWN_PEER: 'The UDP ring transport was asked to send to a daemon name that is not a configured peer.',
  RL_RING_TRANSPORT_STATE: 'A UDP ring transport method was called in the wrong state (send before start() resolved or after close(), start() twice).',
  RL_RING_BIND: 'The UDP ring transport could not bind or join its group (address in use, no such interface); the cause holds the system error.',
};

/** Base class: every error of the ring byte layer is a `RingError`. */
export class RingError extends Error {
  readonly code: RingErrorCode;
  constructor(code: RingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Bytes that are not a valid ring datagram or packet (TRUNCATED, INVALID, AUTH: a peer's or an
 * attacker's fault), or a packet local code cannot encode or send (ENCODE_INVALID, PACKET_OVERSIZE:
 * a bug in the caller).
 */
export class RingPacketError extends RingError {}

/** The transport was misused or could not set up its socket. */
export class RingTransportError extends RingError {}
