/**
 * What a daemon accepts from a client, with the checks upstream Spread makes before it acts
 * (spec §6.3 "Daemon validation"). Anything that fails here ends the offending session only.
 */
import { CONTROL_MESS_MASK, HINT_ALLOWED_MASK, Limits, REGULAR_MESS_MASK, ServiceType } from './constants.ts';
import { WireErrorCode, WireProtocolError } from './errors.ts';
import type { Message } from './message.ts';
import { isLegalGroupName } from './names.ts';

export type ClientRequest =
  | {
      readonly kind: 'multicast';
      /** Exactly one service bit. */
      readonly service: number;
      readonly selfDiscard: boolean;
      readonly groups: readonly string[];
      readonly hint: number;
      readonly data: Buffer;
    }
  | { readonly kind: 'join'; readonly group: string }
  | { readonly kind: 'leave'; readonly group: string }
  | { readonly kind: 'kill' };

const KNOWN_BITS = REGULAR_MESS_MASK | ServiceType.SELF_DISCARD | CONTROL_MESS_MASK;

function bitCount(value: number): number {
  let count = 0;
  for (let v = value; v !== 0; v &= v - 1) count++;
  return count;
}

function protocolError(code: string, message: string): WireProtocolError {
  return new WireProtocolError(code, message);
}

/** Validates a decoded client message against the sending session's private group. */
export function classifyClientMessage(message: Message, privateGroup: string): ClientRequest | WireProtocolError {
  const { header } = message;
  const type = header.type;
  const action = type & (REGULAR_MESS_MASK | CONTROL_MESS_MASK);
  if ((type & ~KNOWN_BITS) !== 0 || bitCount(action) !== 1) {
    return protocolError(WireErrorCode.BAD_SERVICE_TYPE, `Type 0x${type.toString(16)} must carry exactly one service or control bit`);
  }
  if (header.sender !== privateGroup) {
    return protocolError(WireErrorCode.BAD_PRIVATE_NAME, `Header names ${JSON.stringify(header.sender)}, session is ${privateGroup}`);
  }
  if ((header.hint & ~HINT_ALLOWED_MASK) !== 0) {
    return protocolError(WireErrorCode.BAD_HINT, `Hint 0x${(header.hint >>> 0).toString(16)} uses reserved bits`);
  }
  if (header.numGroups < 0 || header.numGroups > Limits.GROUPS_PER_MESSAGE_MAX) {
    return protocolError(WireErrorCode.BAD_GROUP_COUNT, `num_groups ${header.numGroups} is outside 0..${Limits.GROUPS_PER_MESSAGE_MAX}`);
  }
  if (header.dataLength + header.numGroups * Limits.GROUP_NAME_BYTES > Limits.BODY_MAX_BYTES) {
    return protocolError(WireErrorCode.MESSAGE_TOO_LONG, `Body exceeds ${Limits.BODY_MAX_BYTES} bytes`);
  }
  if ((action & REGULAR_MESS_MASK) !== 0) return classifyMulticast(message, action);
  if ((type & ServiceType.SELF_DISCARD) !== 0 || message.groups.length !== 1) {
    return protocolError(WireErrorCode.BAD_GROUP_COUNT, `A join, leave or kill names exactly one group`);
  }
  const group = message.groups[0] as string;
  if (action === ServiceType.KILL) return { kind: 'kill' };
  if (!isLegalGroupName(group) || group.charCodeAt(0) === 0x23) {
    return protocolError(WireErrorCode.BAD_GROUP_NAME, `Cannot join or leave ${JSON.stringify(group)}`);
  }
  return action === ServiceType.JOIN ? { kind: 'join', group } : { kind: 'leave', group };
}

function classifyMulticast(message: Message, service: number): ClientRequest | WireProtocolError {
  for (const group of message.groups) {
    if (group.length === 0) return protocolError(WireErrorCode.BAD_GROUP_NAME, 'Empty destination group name');
  }
  return {
    kind: 'multicast',
    service,
    selfDiscard: (message.header.type & ServiceType.SELF_DISCARD) !== 0,
    groups: message.groups,
    hint: message.header.hint,
    data: message.data,
  };
}
