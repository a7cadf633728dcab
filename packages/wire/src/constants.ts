/**
 * Numbers of the Spread 4/5 client protocol (see shared/spec/spread-client-protocol.md §6).
 * Every value here is on the wire or is a limit Spread enforces; change none of them lightly.
 */

/** Service bits and flags carried in a message header's `type`. */
export const ServiceType = {
  UNRELIABLE: 0x0000_0001,
  RELIABLE: 0x0000_0002,
  FIFO: 0x0000_0004,
  CAUSAL: 0x0000_0008,
  AGREED: 0x0000_0010,
  SAFE: 0x0000_0020,
  SELF_DISCARD: 0x0000_0040,
  CAUSED_BY_JOIN: 0x0000_0100,
  CAUSED_BY_LEAVE: 0x0000_0200,
  CAUSED_BY_DISCONNECT: 0x0000_0400,
  CAUSED_BY_NETWORK: 0x0000_0800,
  REG_MEMB: 0x0000_1000,
  TRANSITION: 0x0000_2000,
  JOIN: 0x0001_0000,
  LEAVE: 0x0002_0000,
  KILL: 0x0004_0000,
  REJECT: 0x0040_0000,
} as const;

/** The six service bits, REGULAR_MESS in sp.h. */
export const REGULAR_MESS_MASK = 0x0000_003f;
/** CAUSED_BY_* | REG_MEMB | TRANSITION, MEMBERSHIP_MESS in sp.h. */
export const MEMBERSHIP_MESS_MASK = 0x0000_3f00;
/** JOIN | LEAVE | KILL: the control requests a client may send. */
export const CONTROL_MESS_MASK = 0x0007_0000;

/** Set in `type` and `hint` by a little-endian sender, clear for big-endian; byte-symmetric. */
export const ENDIAN_MARKER = 0x8000_0080;
/** The only bits a client may use in `hint`: the marker and the 16-bit mess_type. */
export const HINT_ALLOWED_MASK = 0x80ff_ff80;

export const ServiceName: Readonly<Record<number, string>> = {
  [ServiceType.UNRELIABLE]: 'UNRELIABLE',
  [ServiceType.RELIABLE]: 'RELIABLE',
  [ServiceType.FIFO]: 'FIFO',
  [ServiceType.CAUSAL]: 'CAUSAL',
  [ServiceType.AGREED]: 'AGREED',
  [ServiceType.SAFE]: 'SAFE',
};

/** One signed byte in the handshake; library return values elsewhere (§6.6). */
export const ResultCode = {
  ACCEPT_SESSION: 1,
  ILLEGAL_SPREAD: -1,
  COULD_NOT_CONNECT: -2,
  REJECT_QUOTA: -3,
  REJECT_NO_NAME: -4,
  REJECT_ILLEGAL_NAME: -5,
  REJECT_NOT_UNIQUE: -6,
  REJECT_VERSION: -7,
  CONNECTION_CLOSED: -8,
  REJECT_AUTH: -9,
  ILLEGAL_SESSION: -11,
  ILLEGAL_SERVICE: -12,
  ILLEGAL_MESSAGE: -13,
  ILLEGAL_GROUP: -14,
  BUFFER_TOO_SHORT: -15,
  GROUPS_TOO_SHORT: -16,
  MESSAGE_TOO_LONG: -17,
  NET_ERROR_ON_SESSION: -18,
  SP_BUG: -19,
  ILLEGAL_TIME: -20,
} as const;
export type ResultCode = (typeof ResultCode)[keyof typeof ResultCode];

/** libspread's SP_error strings, used by the CLI so its output reads like spuser's. */
export const ResultMessage: Readonly<Record<number, string>> = {
  [ResultCode.ILLEGAL_SPREAD]: 'Illegal spread was provided',
  [ResultCode.COULD_NOT_CONNECT]: 'Could not connect. Is Spread running?',
  [ResultCode.REJECT_QUOTA]: 'Connection rejected, too many users',
  [ResultCode.REJECT_NO_NAME]: 'Connection rejected, no name was supplied',
  [ResultCode.REJECT_ILLEGAL_NAME]: 'Connection rejected, illegal name',
  [ResultCode.REJECT_NOT_UNIQUE]: 'Connection rejected, name not unique',
  [ResultCode.REJECT_VERSION]: 'Connection rejected, library does not fit daemon',
  [ResultCode.CONNECTION_CLOSED]: 'Connection closed by Spread',
  [ResultCode.REJECT_AUTH]: 'Connection rejected, authentication failed',
  [ResultCode.ILLEGAL_SESSION]: 'Illegal session was supplied',
  [ResultCode.ILLEGAL_SERVICE]: 'Illegal service request',
  [ResultCode.ILLEGAL_MESSAGE]: 'Illegal message',
  [ResultCode.ILLEGAL_GROUP]: 'Illegal group',
  [ResultCode.BUFFER_TOO_SHORT]: 'The supplied buffer was too short',
  [ResultCode.GROUPS_TOO_SHORT]: 'The supplied groups list was too short',
  [ResultCode.MESSAGE_TOO_LONG]: 'The message body + group names was too large to fit in a message',
  [ResultCode.NET_ERROR_ON_SESSION]: 'The network socket experienced an error. This Spread mailbox will no longer work until the connection is disconnected and then reconnected',
};

export const Limits = {
  /** Bytes of a header on the wire. */
  HEADER_BYTES: 48,
  /** Bytes of one group name slot, NUL included (MAX_GROUP_NAME). */
  GROUP_NAME_BYTES: 32,
  /** Longest user part of a private name. */
  PRIVATE_NAME_MAX_CHARS: 10,
  /** Longest daemon name (MAX_PROC_NAME 20 with the NUL). */
  DAEMON_NAME_MAX_CHARS: 19,
  /** Groups named in one message. */
  GROUPS_PER_MESSAGE_MAX: 100,
  /** What libspread allows: data + 32·groups ≤ 144 000. */
  LIBRARY_BODY_MAX_BYTES: 144_000,
  /**
   * What the daemon really holds: 100 fragments × 1432 − 48. Upstream 5.0.1 aborts between
   * this and 143 952; we refuse that range instead (spec §6.3).
   */
  BODY_MAX_BYTES: 143_152,
  /** Bytes of the client's auth choice: 3 slots of 30. */
  AUTH_CHOICE_BYTES: 90,
  AUTH_SLOT_BYTES: 30,
  AUTH_SLOTS: 3,
  /** Bytes of the REJECT_MESS old_type field that follows the header. */
  REJECT_OLD_TYPE_BYTES: 4,
} as const;

/** Library versions as major·10000 + minor·100 + patch, as the daemon compares them. */
export const VersionThreshold = {
  /** Below this the daemon answers REJECT_VERSION. */
  MINIMUM: 30_100,
  /** Above this (3.14) the hello carries a patch byte. */
  PATCH_BYTE_ABOVE: 31_400,
  /** From this on the accept carries the daemon's patch byte. */
  ACCEPT_PATCH_FROM: 31_500,
  /** From this on the auth phase runs. */
  AUTH_PHASE_FROM: 31_600,
} as const;

/** The version this implementation speaks and reports, so Spread libraries accept it. */
export const PROTOCOL_VERSION = { major: 5, minor: 0, patch: 1 } as const;

export function versionNumber(major: number, minor: number, patch: number): number {
  return major * 10_000 + minor * 100 + patch;
}
