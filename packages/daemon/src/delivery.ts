/**
 * Applies requests in the order the ordering layer delivers them: data goes to every local
 * session that is a destination (once, however many of its groups were named), joins and
 * leaves change the group table and notify members as Spread does (spec §6.5, §9).
 */
import {
  encodeMembershipBody,
  encodeMessage,
  ENDIAN_MARKER,
  type GroupId,
  isPrivateGroupName,
  ServiceType,
} from '@ringlog/wire';
import { type Group, type GroupMember, GroupTable } from './group-table.ts';
import type { ConfigurationView, OrderedRequest } from './ordering.ts';

/** The daemon's sessions as delivery sees them. */
export interface LocalSessions {
  /** The open session with this private group, if it lives on this daemon. */
  find(privateGroup: string): DeliveryTarget | undefined;
  readonly daemonIndex: number;
}

export interface DeliveryTarget {
  readonly wantsMembership: boolean;
  deliver(frame: Buffer): void;
}

const MEMBERSHIP_HINT = ENDIAN_MARKER;

export class Delivery {
  readonly groups = new GroupTable();
  readonly #sessions: LocalSessions;
  readonly #view: () => ConfigurationView;
  /** Receivers already served for the message being delivered; reused to avoid allocation. */
  readonly #served = new Set<DeliveryTarget>();
  delivered = 0;

  constructor(sessions: LocalSessions, view: () => ConfigurationView) {
    this.#sessions = sessions;
    this.#view = view;
  }

  readonly apply = (request: OrderedRequest): void => {
    switch (request.kind) {
      case 'multicast':
        this.#multicast(request);
        return;
      case 'join':
        this.#join(request.member, request.group);
        return;
      case 'leave':
        this.#leave(request.member, request.group);
        return;
      case 'disconnect':
        this.#disconnect(request.member);
    }
  };

  #multicast(request: Extract<OrderedRequest, { kind: 'multicast' }>): void {
    const sender = request.selfDiscard ? this.#sessions.find(request.sender) : undefined;
    const served = this.#served;
    for (const name of request.groups) {
      if (isPrivateGroupName(name)) {
        const target = this.#sessions.find(name);
        if (target !== undefined) served.add(target);
        continue;
      }
      const group = this.groups.get(name);
      if (group === undefined) continue;
      for (const member of group.members) {
        if (member.daemonIndex !== this.#sessions.daemonIndex) continue;
        const target = this.#sessions.find(member.privateGroup);
        if (target !== undefined) served.add(target);
      }
    }
    if (sender !== undefined) served.delete(sender);
    for (const target of served) target.deliver(request.frame);
    this.delivered += served.size;
    served.clear();
  }

  #member(privateGroup: string): GroupMember {
    return { privateGroup, daemonIndex: this.#sessions.daemonIndex };
  }

  #join(member: string, name: string): void {
    const group = this.groups.join(name, this.#member(member));
    if (group !== null) this.#notify(group, ServiceType.CAUSED_BY_JOIN, member);
  }

  #leave(member: string, name: string): void {
    const group = this.groups.leave(name, this.#member(member));
    if (group === null) return;
    const leaver = this.#sessions.find(member);
    if (leaver?.wantsMembership === true) leaver.deliver(selfLeaveFrame(name));
    this.#notify(group, ServiceType.CAUSED_BY_LEAVE, member);
  }

  #disconnect(member: string): void {
    for (const name of [...this.groups.groupsOf(member)]) {
      const group = this.groups.leave(name, this.#member(member));
      if (group !== null) this.#notify(group, ServiceType.CAUSED_BY_DISCONNECT, member);
    }
  }

  /** REG_MEMB with one vs_set holding the changed member; the same bytes for every receiver. */
  #notify(group: Group, cause: number, changed: string): void {
    if (group.members.length === 0) return;
    const view = this.#view();
    const groupId: GroupId = { procId: view.procId, time: view.timeSecs, index: group.index };
    const frame = encodeMessage({
      type: ServiceType.REG_MEMB | cause,
      sender: group.name,
      groups: group.members.map((m) => m.privateGroup),
      hint: MEMBERSHIP_HINT,
      data: encodeMembershipBody({ groupId, vsSets: [[changed]], localVsSetOffset: 0 }),
    });
    for (const member of group.members) {
      if (member.daemonIndex !== this.#sessions.daemonIndex) continue;
      const target = this.#sessions.find(member.privateGroup);
      if (target?.wantsMembership === true) target.deliver(frame);
    }
  }
}

/** Sent to a member after its own successful leave: CAUSED_BY_LEAVE alone, no body. */
function selfLeaveFrame(group: string): Buffer {
  return encodeMessage({ type: ServiceType.CAUSED_BY_LEAVE, sender: group, groups: [], hint: MEMBERSHIP_HINT });
}
