/**
 * What a session delivers, decoded from daemon frames (spec §6.5, §9) into a discriminated
 * union on `type`. Field meanings follow libspread's SP_receive and SP_get_memb_info:
 * `messType` is the signed 16-bit value libspread returns, `myIndex` is what libspread
 * puts in mess_type for a regular membership.
 */
import {
  REGULAR_MESS_MASK,
  ServiceType,
  WireErrorCode,
  WireProtocolError,
  decodeGroupId,
  decodeMembershipBody,
  messTypeFromHint,
  vsSetOffset,
  type GroupId,
  type Message,
} from '@ringlog/wire';
import { serviceOfType, type SpreadService } from './service.ts';

export type MembershipCause = 'join' | 'leave' | 'disconnect' | 'network';

export interface MessageEvent {
  readonly type: 'message';
  readonly service: SpreadService;
  /** The delivered type bits, endian marker removed (service bit, maybe SELF_DISCARD). */
  readonly serviceType: number;
  /** The sender's private group, e.g. `#alice#localhost`. */
  readonly sender: string;
  /** The destination groups as the sender named them. */
  readonly groups: readonly string[];
  /** Signed 16-bit application tag, as libspread returns it. */
  readonly messType: number;
  /** True when the sender's byte order differs from ours (libspread's endian_mismatch). */
  readonly endianMismatch: boolean;
  readonly selfDiscard: boolean;
  /** The payload: a view into received bytes that are never reused. */
  readonly data: Buffer;
}

export interface MembershipEvent {
  readonly type: 'membership';
  readonly group: string;
  readonly cause: MembershipCause;
  /** Private groups of the members, in the daemon's order. */
  readonly members: readonly string[];
  readonly groupId: GroupId;
  readonly vsSets: readonly (readonly string[])[];
  /** Byte offset of the local vs_set, as on the wire. */
  readonly localVsSetOffset: number;
  /** Index in vsSets of the set that holds this session, or -1. */
  readonly localVsSetIndex: number;
  /** The member that joined, left or disconnected; null for network changes. */
  readonly changedMember: string | null;
  /** This session's index in `members` (libspread's mess_type for memberships), or -1. */
  readonly myIndex: number;
  readonly serviceType: number;
}

export interface TransitionEvent {
  readonly type: 'transition';
  readonly group: string;
  /** The group id of the view that is ending. */
  readonly groupId: GroupId;
}

export interface SelfLeaveEvent {
  readonly type: 'self-leave';
  readonly group: string;
}

export interface RejectEvent {
  readonly type: 'reject';
  /** The rejected message's type bits (service, or JOIN/LEAVE). */
  readonly oldType: number;
  readonly service: SpreadService | null;
  readonly sender: string;
  readonly groups: readonly string[];
  readonly messType: number;
  readonly endianMismatch: boolean;
  readonly selfDiscard: boolean;
  readonly data: Buffer;
}

/** A frame whose type bits match nothing above; kept so tools can report it as spuser does. */
export interface UnknownEvent {
  readonly type: 'unknown';
  readonly serviceType: number;
  readonly sender: string;
  readonly dataBytes: number;
}

export type SpreadEvent = MessageEvent | MembershipEvent | TransitionEvent | SelfLeaveEvent | RejectEvent | UnknownEvent;

function signed16(value: number): number {
  return (value << 16) >> 16;
}

function causeOf(type: number): MembershipCause | null {
  if ((type & ServiceType.CAUSED_BY_JOIN) !== 0) return 'join';
  if ((type & ServiceType.CAUSED_BY_LEAVE) !== 0) return 'leave';
  if ((type & ServiceType.CAUSED_BY_DISCONNECT) !== 0) return 'disconnect';
  if ((type & ServiceType.CAUSED_BY_NETWORK) !== 0) return 'network';
  return null;
}

function decodeData(message: Message, sender: string): MessageEvent {
  const type = message.header.type;
  const { messType, littleEndian } = messTypeFromHint(message.header.hint);
  return {
    type: 'message',
    service: serviceOfType(type) as SpreadService,
    serviceType: type,
    sender,
    groups: message.groups,
    messType: signed16(messType),
    endianMismatch: !littleEndian,
    selfDiscard: (type & ServiceType.SELF_DISCARD) !== 0,
    data: message.data,
  };
}

function decodeReject(message: Message, sender: string): RejectEvent {
  const oldType = (message.oldType ?? 0) >>> 0;
  const { messType, littleEndian } = messTypeFromHint(message.header.hint);
  return {
    type: 'reject',
    oldType,
    service: serviceOfType(oldType),
    sender,
    groups: message.groups,
    messType: signed16(messType),
    endianMismatch: !littleEndian,
    selfDiscard: (message.header.type & ServiceType.SELF_DISCARD) !== 0,
    data: message.data,
  };
}

function localSetIndex(vsSets: readonly (readonly string[])[], offset: number): number {
  for (let i = 0; i < vsSets.length; i++) if (vsSetOffset(vsSets, i) === offset) return i;
  return -1;
}

function decodeMembership(message: Message, group: string, cause: MembershipCause, privateGroup: string): MembershipEvent {
  const body = decodeMembershipBody(message.data);
  const firstSet = body.vsSets[0];
  return {
    type: 'membership',
    group,
    cause,
    members: message.groups,
    groupId: body.groupId,
    vsSets: body.vsSets,
    localVsSetOffset: body.localVsSetOffset,
    localVsSetIndex: localSetIndex(body.vsSets, body.localVsSetOffset),
    changedMember: cause === 'network' ? null : (firstSet?.[0] ?? null),
    myIndex: message.groups.indexOf(privateGroup),
    serviceType: message.header.type,
  };
}

/**
 * Decodes one daemon frame for the session whose private group is `privateGroup`.
 * A malformed membership body comes back as a WireProtocolError (the session ends).
 */
export function decodeEvent(message: Message, privateGroup: string): SpreadEvent | WireProtocolError {
  const type = message.header.type;
  const sender = message.header.sender;
  if (sender === null) return new WireProtocolError(WireErrorCode.BAD_PRIVATE_NAME, 'Sender slot has no NUL');
  if ((type & ServiceType.REJECT) !== 0) return decodeReject(message, sender);
  if ((type & REGULAR_MESS_MASK) !== 0) return decodeData(message, sender);
  try {
    if ((type & ServiceType.REG_MEMB) !== 0) {
      const cause = causeOf(type);
      if (cause !== null) return decodeMembership(message, sender, cause, privateGroup);
    } else if ((type & ServiceType.TRANSITION) !== 0) {
      return { type: 'transition', group: sender, groupId: decodeGroupId(message.data) };
    } else if (type === ServiceType.CAUSED_BY_LEAVE) {
      return { type: 'self-leave', group: sender };
    }
  } catch (error) {
    if (error instanceof WireProtocolError) return error;
    throw error;
  }
  return { type: 'unknown', serviceType: type, sender, dataBytes: message.data.length };
}
