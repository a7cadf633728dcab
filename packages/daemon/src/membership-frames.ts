/**
 * The membership messages a daemon sends its sessions (spec §6.5): each is encoded once per
 * change and the same bytes go to every local receiver.
 */
import { encodeMembershipBody, encodeGroupId, encodeMessage, ENDIAN_MARKER, type GroupId, ServiceType, vsSetOffset } from '@ringlog/wire';
import type { Group } from './group-table.ts';

/** Membership messages carry the marker alone in `hint` (mess_type 0 on the wire). */
const MEMBERSHIP_HINT = ENDIAN_MARKER;

/** REG_MEMB | `cause`: the member list, the group id, and the vs_sets. */
export function regularMembershipFrame(group: Group, groupId: GroupId, cause: number, vsSets: readonly (readonly string[])[], localSetIndex: number): Buffer {
  return encodeMessage({
    type: ServiceType.REG_MEMB | cause,
    sender: group.name,
    groups: group.members.map((m) => m.privateGroup),
    hint: MEMBERSHIP_HINT,
    data: encodeMembershipBody({ groupId, vsSets, localVsSetOffset: vsSetOffset(vsSets, localSetIndex) }),
  });
}

/** TRANSITION_MESS: no members, the body is the old group id alone (captured `80 20 00 80`). */
export function transitionFrame(group: string, oldGroupId: GroupId): Buffer {
  return encodeMessage({ type: ServiceType.TRANSITION, sender: group, groups: [], hint: MEMBERSHIP_HINT, data: encodeGroupId(oldGroupId) });
}

/** Sent to a member after its own successful leave: CAUSED_BY_LEAVE alone, no body. */
export function selfLeaveFrame(group: string): Buffer {
  return encodeMessage({ type: ServiceType.CAUSED_BY_LEAVE, sender: group, groups: [], hint: MEMBERSHIP_HINT });
}
