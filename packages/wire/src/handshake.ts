/**
 * The connect handshake (spec §6.2), as pure functions over byte buffers so both the daemon
 * and the client drive it from their own sockets and any fragmentation:
 *
 *   client → hello      major minor [patch if > 3.14] flags L name[L]
 *   daemon → auth offer N "NULL "              (libraries ≥ 3.16; N < 0 is a reject code)
 *   client → auth choice 3 × 30-byte NUL-padded method names
 *   daemon → accept     1 major minor [patch if ≥ 3.15] P "#name#daemon"  (or one reject byte)
 *
 * parse* functions return `incomplete` until enough bytes are present, so callers keep
 * reading rather than failing on a short segment as upstream Spread does.
 */
import { Limits, PROTOCOL_VERSION, ResultCode, VersionThreshold, versionNumber } from './constants.ts';
import { isLegalPrivateName } from './names.ts';

export interface Hello {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** major·10000 + minor·100 + patch, as the daemon compares versions. */
  readonly version: number;
  readonly membership: boolean;
  /** The priority nibble (flags ÷ 16); stored, never used, as in Spread. */
  readonly priority: number;
  /** The requested private name; empty asks the daemon to invent one. */
  readonly name: string;
}

export type ParseResult<T> =
  | { readonly status: 'incomplete' }
  | { readonly status: 'ok'; readonly value: T; readonly bytesUsed: number }
  | { readonly status: 'reject'; readonly code: number; readonly reason: string };

const INCOMPLETE = { status: 'incomplete' } as const;
const MEMBERSHIP_FLAG = 0x01;

function reject(code: number, reason: string): ParseResult<never> {
  return { status: 'reject', code, reason };
}

export function hasPatchByte(version: number): boolean {
  return version > VersionThreshold.PATCH_BYTE_ABOVE;
}

export function hasAuthPhase(version: number): boolean {
  return version >= VersionThreshold.AUTH_PHASE_FROM;
}

export function acceptHasPatchByte(version: number): boolean {
  return version >= VersionThreshold.ACCEPT_PATCH_FROM;
}

/** Daemon side: reads a hello, deciding version and name rejects as Spread does. */
export function parseHello(buffer: Buffer): ParseResult<Hello> {
  if (buffer.length < 2) return INCOMPLETE;
  const major = buffer[0] as number;
  const minor = buffer[1] as number;
  const withPatch = hasPatchByte(versionNumber(major, minor, 0));
  const fixed = withPatch ? 5 : 4;
  if (buffer.length < fixed) return INCOMPLETE;
  const patch = withPatch ? (buffer[2] as number) : 0;
  const version = versionNumber(major, minor, patch);
  if (version < VersionThreshold.MINIMUM) {
    return reject(ResultCode.REJECT_VERSION, `Library version ${major}.${minor}.${patch} is older than 3.1.0`);
  }
  const flags = buffer[fixed - 2] as number;
  const nameLength = buffer.readInt8(fixed - 1);
  if (nameLength < 0 || nameLength > Limits.PRIVATE_NAME_MAX_CHARS) {
    return reject(ResultCode.REJECT_ILLEGAL_NAME, `Private name length ${nameLength} is outside 0..10`);
  }
  if (buffer.length < fixed + nameLength) return INCOMPLETE;
  const name = buffer.toString('latin1', fixed, fixed + nameLength);
  if (!isLegalPrivateName(name)) {
    return reject(ResultCode.REJECT_ILLEGAL_NAME, `Private name ${JSON.stringify(name)} has characters outside 0x24..0x7e`);
  }
  const hello: Hello = {
    major,
    minor,
    patch,
    version,
    membership: flags % 2 === 1,
    priority: flags >> 4,
    name,
  };
  return { status: 'ok', value: hello, bytesUsed: fixed + nameLength };
}

export interface HelloFields {
  readonly major?: number;
  readonly minor?: number;
  readonly patch?: number;
  readonly membership: boolean;
  readonly priority?: number;
  readonly name: string;
}

/** Client side: the hello libspread sends (name truncated to 10 bytes, as the library does). */
export function encodeHello(fields: HelloFields): Buffer {
  const major = fields.major ?? PROTOCOL_VERSION.major;
  const minor = fields.minor ?? PROTOCOL_VERSION.minor;
  const patch = fields.patch ?? PROTOCOL_VERSION.patch;
  const withPatch = hasPatchByte(versionNumber(major, minor, 0));
  const name = Buffer.from(fields.name, 'latin1').subarray(0, Limits.PRIVATE_NAME_MAX_CHARS);
  const flags = (fields.membership ? MEMBERSHIP_FLAG : 0) | (((fields.priority ?? 0) >= 1 ? 1 : 0) << 4);
  const head = withPatch ? [major, minor, patch, flags, name.length] : [major, minor, flags, name.length];
  return Buffer.concat([Buffer.from(head), name]);
}

/** Daemon side: `N` then the space-terminated method names ("NULL "). */
export function encodeAuthOffer(methods: readonly string[]): Buffer {
  const list = methods.map((m) => `${m} `).join('');
  return Buffer.concat([Buffer.from([list.length]), Buffer.from(list, 'latin1')]);
}

/** Client side: reads the auth offer, or the reject byte that stands in its place. */
export function parseAuthOffer(buffer: Buffer): ParseResult<readonly string[]> {
  if (buffer.length < 1) return INCOMPLETE;
  const length = buffer.readInt8(0);
  if (length < 0) return reject(length, `Daemon rejected the connection with code ${length}`);
  if (buffer.length < 1 + length) return INCOMPLETE;
  const methods = buffer.toString('latin1', 1, 1 + length).split(' ').filter((m) => m.length > 0);
  return { status: 'ok', value: methods, bytesUsed: 1 + length };
}

/** Client side: the 90-byte choice, one method name per 30-byte slot. */
export function encodeAuthChoice(methods: readonly string[]): Buffer {
  const buffer = Buffer.alloc(Limits.AUTH_CHOICE_BYTES);
  methods.slice(0, Limits.AUTH_SLOTS).forEach((method, slot) => {
    buffer.write(method.slice(0, Limits.AUTH_SLOT_BYTES - 1), slot * Limits.AUTH_SLOT_BYTES, 'latin1');
  });
  return buffer;
}

/** Daemon side: the method names chosen, empty slots skipped. */
export function parseAuthChoice(buffer: Buffer): ParseResult<readonly string[]> {
  if (buffer.length < Limits.AUTH_CHOICE_BYTES) return INCOMPLETE;
  const methods: string[] = [];
  for (let slot = 0; slot < Limits.AUTH_SLOTS; slot++) {
    const start = slot * Limits.AUTH_SLOT_BYTES;
    const end = start + Limits.AUTH_SLOT_BYTES;
    const nul = buffer.indexOf(0, start);
    const name = buffer.toString('latin1', start, nul === -1 || nul > end ? end : nul);
    if (name.length > 0) methods.push(name);
  }
  return { status: 'ok', value: methods, bytesUsed: Limits.AUTH_CHOICE_BYTES };
}

export interface Accept {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly privateGroup: string;
}

/** Daemon side: the accept for a client of `clientVersion` (patch byte only for ≥ 3.15). */
export function encodeAccept(clientVersion: number, privateGroup: string): Buffer {
  const { major, minor, patch } = PROTOCOL_VERSION;
  const head = acceptHasPatchByte(clientVersion) ? [ResultCode.ACCEPT_SESSION, major, minor, patch] : [ResultCode.ACCEPT_SESSION, major, minor];
  return Buffer.concat([Buffer.from([...head, privateGroup.length]), Buffer.from(privateGroup, 'latin1')]);
}

/** Either side: a handshake reject is one signed byte. */
export function encodeReject(code: number): Buffer {
  const buffer = Buffer.alloc(1);
  buffer.writeInt8(code, 0);
  return buffer;
}

/** Client side: reads the accept (or reject byte) for a client of `clientVersion`. */
export function parseAccept(buffer: Buffer, clientVersion: number): ParseResult<Accept> {
  if (buffer.length < 1) return INCOMPLETE;
  const code = buffer.readInt8(0);
  if (code !== ResultCode.ACCEPT_SESSION) return reject(code, `Daemon rejected the connection with code ${code}`);
  const withPatch = acceptHasPatchByte(clientVersion);
  const fixed = withPatch ? 5 : 4;
  if (buffer.length < fixed) return INCOMPLETE;
  const nameLength = buffer[fixed - 1] as number;
  const major = buffer[1] as number;
  if (major < 3 || nameLength >= Limits.GROUP_NAME_BYTES) {
    return reject(ResultCode.REJECT_VERSION, `Daemon version ${major} or private group length ${nameLength} unsupported`);
  }
  if (buffer.length < fixed + nameLength) return INCOMPLETE;
  const value: Accept = {
    major,
    minor: buffer[2] as number,
    patch: withPatch ? (buffer[3] as number) : 0,
    privateGroup: buffer.toString('latin1', fixed, fixed + nameLength),
  };
  return { status: 'ok', value, bytesUsed: fixed + nameLength };
}
