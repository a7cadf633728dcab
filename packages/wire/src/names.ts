/**
 * Group and private names on the wire: 32-byte NUL-padded slots, latin1 so every byte
 * survives a round trip. Readers stop at the first NUL because libspread leaves stack
 * garbage after it (captured in KILL messages).
 */
import { Limits } from './constants.ts';
import { WireErrorCode, WireProtocolError, WireUsageError } from './errors.ts';

const NUL = 0;
/** Lowest and highest byte libspread allows in group names ('$'..'~'). */
const GROUP_CHAR_MIN = 0x24;
const GROUP_CHAR_MAX = 0x7e;

/** Reads a NUL-terminated name from a 32-byte slot; null when the slot has no NUL. */
export function readNameSlot(buffer: Buffer, offset: number): string | null {
  const end = offset + Limits.GROUP_NAME_BYTES;
  const nul = buffer.indexOf(NUL, offset);
  if (nul === -1 || nul >= end) return null;
  return buffer.toString('latin1', offset, nul);
}

/** Writes `name` into a zeroed 32-byte slot at `offset`. */
export function writeNameSlot(buffer: Buffer, offset: number, name: string): void {
  if (name.length >= Limits.GROUP_NAME_BYTES) {
    throw new WireUsageError(WireErrorCode.ENCODE_INVALID, `Name "${name}" does not fit a 32-byte slot`);
  }
  buffer.fill(0, offset, offset + Limits.GROUP_NAME_BYTES);
  buffer.write(name, offset, 'latin1');
}

/** True when every character is one libspread allows in a group name. */
export function isLegalGroupName(name: string): boolean {
  if (name.length === 0 || name.length >= Limits.GROUP_NAME_BYTES) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < GROUP_CHAR_MIN || c > GROUP_CHAR_MAX) return false;
  }
  return true;
}

/** True for names of the private group form `#user#daemon`. */
export function isPrivateGroupName(name: string): boolean {
  return name.charCodeAt(0) === 0x23 && name.indexOf('#', 1) > 1;
}

/** The rule the daemon applies to a requested private name (spec §6.2). */
export function isLegalPrivateName(name: string): boolean {
  if (name.length > Limits.PRIVATE_NAME_MAX_CHARS) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x23 || c > 0x7e) return false;
  }
  return true;
}

export function privateGroupName(user: string, daemon: string): string {
  return `#${user}#${daemon}`;
}

/** Splits `#user#daemon`; null when the name is not of that form. */
export function parsePrivateGroupName(name: string): { user: string; daemon: string } | null {
  if (!isPrivateGroupName(name)) return null;
  const second = name.indexOf('#', 1);
  return { user: name.slice(1, second), daemon: name.slice(second + 1) };
}

export function assertLegalGroupName(name: string): void {
  if (!isLegalGroupName(name)) {
    throw new WireProtocolError(WireErrorCode.BAD_GROUP_NAME, `Illegal group name ${JSON.stringify(name)}`);
  }
}
