/**
 * Service names and the checks libspread makes before it sends (spec §6.3, §6.6): these
 * run locally and throw ClientUsageError, so a bad call never reaches (and never kills)
 * the session.
 */
import { Limits, REGULAR_MESS_MASK, ResultCode, ServiceType, isLegalGroupName } from '@ringlog/wire';
import { ClientErrorCode, ClientUsageError } from './errors.ts';

export const SPREAD_SERVICES = ['UNRELIABLE', 'RELIABLE', 'FIFO', 'CAUSAL', 'AGREED', 'SAFE'] as const;
export type SpreadService = (typeof SPREAD_SERVICES)[number];

const SERVICE_BITS: Readonly<Record<SpreadService, number>> = {
  UNRELIABLE: ServiceType.UNRELIABLE,
  RELIABLE: ServiceType.RELIABLE,
  FIFO: ServiceType.FIFO,
  CAUSAL: ServiceType.CAUSAL,
  AGREED: ServiceType.AGREED,
  SAFE: ServiceType.SAFE,
};

export function isSpreadService(text: string): text is SpreadService {
  return (SPREAD_SERVICES as readonly string[]).includes(text);
}

/** The service of a delivered `type`: the lowest service bit set, as spuser tests them. */
export function serviceOfType(type: number): SpreadService | null {
  for (const name of SPREAD_SERVICES) if ((type & SERVICE_BITS[name]) !== 0) return name;
  return null;
}

/**
 * Resolves a service to its wire bits: a name, or a number holding exactly one service bit
 * and optionally SELF_DISCARD. Throws ILLEGAL_SERVICE otherwise.
 */
export function serviceBits(service: SpreadService | number): number {
  if (typeof service === 'string') {
    const bits = (SERVICE_BITS as Readonly<Record<string, number>>)[service];
    if (bits === undefined) throw usage(ClientErrorCode.ILLEGAL_SERVICE, ResultCode.ILLEGAL_SERVICE, `Unknown service ${JSON.stringify(service)}`);
    return bits;
  }
  const regular = service & REGULAR_MESS_MASK;
  const extra = service & ~(REGULAR_MESS_MASK | ServiceType.SELF_DISCARD);
  if (!Number.isInteger(service) || extra !== 0 || regular === 0 || (regular & (regular - 1)) !== 0) {
    throw usage(ClientErrorCode.ILLEGAL_SERVICE, ResultCode.ILLEGAL_SERVICE, `Service 0x${(service >>> 0).toString(16)} must hold exactly one service bit`);
  }
  return service;
}

function usage(code: (typeof ClientErrorCode)[keyof typeof ClientErrorCode], spreadCode: number, message: string): ClientUsageError {
  return new ClientUsageError(code, spreadCode, message);
}

/** SP_join / SP_leave: 1..31 characters in '$'..'~' (so never a private group). */
export function checkJoinGroup(group: string): void {
  if (!isLegalGroupName(group)) {
    throw usage(ClientErrorCode.ILLEGAL_GROUP, ResultCode.ILLEGAL_GROUP, `Illegal group name ${JSON.stringify(group)}`);
  }
}

/** A multicast destination: any 1..31 byte latin1 name without NUL (private groups allowed). */
export function checkDestinationGroup(group: string): void {
  let legal = group.length > 0 && group.length < Limits.GROUP_NAME_BYTES;
  for (let i = 0; legal && i < group.length; i++) {
    const c = group.charCodeAt(i);
    legal = c > 0x20 && c <= 0xff && c !== 0x7f;
  }
  if (!legal) throw usage(ClientErrorCode.ILLEGAL_GROUP, ResultCode.ILLEGAL_GROUP, `Illegal destination group ${JSON.stringify(group)}`);
}

/** Groups, mess_type and size of one multicast, checked as libspread does. */
export function checkMulticast(groups: readonly string[], messType: number, dataBytes: number, bodyMaxBytes: number): void {
  if (groups.length > Limits.GROUPS_PER_MESSAGE_MAX) {
    throw usage(ClientErrorCode.ILLEGAL_MESSAGE, ResultCode.ILLEGAL_MESSAGE, `${groups.length} groups exceed ${Limits.GROUPS_PER_MESSAGE_MAX}`);
  }
  if (!Number.isInteger(messType) || messType < -0x8000 || messType > 0xffff) {
    throw usage(ClientErrorCode.ILLEGAL_MESSAGE, ResultCode.ILLEGAL_MESSAGE, `mess_type ${messType} is not a 16-bit value`);
  }
  for (const group of groups) checkDestinationGroup(group);
  const body = dataBytes + groups.length * Limits.GROUP_NAME_BYTES;
  if (body > bodyMaxBytes) {
    throw usage(ClientErrorCode.MESSAGE_TOO_LONG, ResultCode.MESSAGE_TOO_LONG, `data + 32 x groups = ${body} bytes exceeds ${bodyMaxBytes}`);
  }
}
