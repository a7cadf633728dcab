/**
 * Applies what the ordering layer delivers, in its order: data goes to every local session
 * that is a destination (once, however many of its groups were named), joins and leaves
 * change the group table and notify members as Spread does (spec §6.5, §9), and network
 * changes replace the table from the member daemons' group states.
 *
 * Network changes, as Spread's EVS shows them to a group's members: at the transitional
 * configuration a group that loses members (their daemon does not move on with this one)
 * gets TRANSITION_MESS with its old id, and those members vanish; clean-up messages follow
 * in the old groups; when the new configuration's group states are all in, every changed
 * group gets REG_MEMB|CAUSED_BY_NETWORK (network-membership.ts). A merge loses nobody, so
 * it brings the REG without a TRANSITION (captures section 8). A group keeps its TRANSITION
 * open until its REG: a cascading change sends no second TRANSITION.
 */
import { isPrivateGroupName, parsePrivateGroupName, ServiceType } from '@ringlog/wire';
import type { GroupStateEntry } from './group-state.ts';
import { type Group, type GroupMember, groupIdOf, GroupTable } from './group-table.ts';
import { regularMembershipFrame, selfLeaveFrame, transitionFrame } from './membership-frames.ts';
import { computeNetworkGroups, daemonIndexOf } from './network-membership.ts';
import type { ConfigurationView, Delivered, GroupStateSource, NetworkChange, OrderedRequest } from './ordering.ts';

/** The daemon's sessions as delivery sees them. */
export interface LocalSessions {
  /** The open session with this private group, if it lives on this daemon. */
  find(privateGroup: string): DeliveryTarget | undefined;
  readonly daemonIndex: number;
  /** A member's disconnect has been applied: its private name may be given out again. */
  disconnected(privateGroup: string): void;
}

export interface DeliveryTarget {
  readonly wantsMembership: boolean;
  deliver(frame: Buffer): void;
}

export class Delivery implements GroupStateSource {
  readonly groups = new GroupTable();
  readonly #sessions: LocalSessions;
  readonly #view: () => ConfigurationView;
  /** Receivers already served for the message being delivered; reused to avoid allocation. */
  readonly #served = new Set<DeliveryTarget>();
  /** Groups told of a change (TRANSITION) or changed unseen, awaiting their REG|NETWORK. */
  readonly #unannounced = new Set<string>();
  delivered = 0;

  constructor(sessions: LocalSessions, view: () => ConfigurationView) {
    this.#sessions = sessions;
    this.#view = view;
  }

  readonly apply = (delivered: Delivered): void => {
    switch (delivered.kind) {
      case 'multicast':
        this.#multicast(delivered);
        return;
      case 'join':
        this.#join(delivered.member, delivered.group);
        return;
      case 'leave':
        this.#leave(delivered.member, delivered.group);
        return;
      case 'disconnect':
        this.#disconnect(delivered.member);
        return;
      case 'transitional':
        this.#transitional(delivered.daemons);
        return;
      case 'network':
        this.#network(delivered);
    }
  };

  /** This daemon's members of each group, for the group state exchange (GroupStateSource). */
  localGroupState(daemons: readonly string[]): readonly GroupStateEntry[] {
    const staying = new Set(daemons);
    const view = this.#view();
    const entries: GroupStateEntry[] = [];
    for (const group of this.groups.values()) {
      const members = group.members.filter((m) => m.daemonIndex === this.#sessions.daemonIndex).map((m) => m.privateGroup);
      if (members.length === 0) continue;
      const lost = group.members.some((m) => !staying.has(view.daemons[m.daemonIndex] ?? ''));
      entries.push({ name: group.name, groupId: groupIdOf(group), changed: lost || this.#unannounced.has(group.name), members });
    }
    return entries;
  }

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

  /** A member sorts by its own daemon's place in the segment, wherever it is delivered. */
  #member(privateGroup: string): GroupMember {
    const daemon = parsePrivateGroupName(privateGroup)?.daemon ?? '';
    return { privateGroup, daemonIndex: daemonIndexOf(this.#view(), daemon) };
  }

  #join(member: string, name: string): void {
    const view = this.#view();
    const group = this.groups.join(name, this.#member(member), { procId: view.procId, timeSecs: view.timeSecs });
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
    const gone = this.#member(member);
    for (const name of [...this.groups.groupsOf(member)]) {
      const group = this.groups.leave(name, gone);
      if (group !== null) this.#notify(group, ServiceType.CAUSED_BY_DISCONNECT, member);
    }
    this.#sessions.disconnected(member);
  }

  /** REG_MEMB with one vs_set holding the changed member; the same bytes for every receiver. */
  #notify(group: Group, cause: number, changed: string): void {
    if (group.members.length === 0) return;
    this.#toLocalMembers(group, regularMembershipFrame(group, groupIdOf(group), cause, [[changed]], 0));
  }

  #transitional(daemons: readonly string[]): void {
    const moving = new Set(daemons);
    const view = this.#view();
    // Dropping members leaves ids alone, so the TRANSITION below still carries the old id.
    for (const name of this.groups.removeWhere((m) => !moving.has(view.daemons[m.daemonIndex] ?? ''))) {
      const group = this.groups.get(name);
      const opened = this.#unannounced.has(name);
      this.#unannounced.add(name);
      if (group === undefined || opened) continue;
      this.#toLocalMembers(group, transitionFrame(name, groupIdOf(group)));
    }
  }

  #network(change: NetworkChange): void {
    const view = this.#view();
    const local = view.daemons[this.#sessions.daemonIndex] ?? '';
    const result = computeNetworkGroups(change, this.groups, view, local);
    this.groups.replaceAll(result.groups);
    if (change.complete) this.#unannounced.clear();
    for (const name of result.unannounced) this.#unannounced.add(name);
    for (const { group, vsSets, localSetIndex } of result.announcements) {
      this.#toLocalMembers(group, regularMembershipFrame(group, groupIdOf(group), ServiceType.CAUSED_BY_NETWORK, vsSets, localSetIndex));
    }
  }

  #toLocalMembers(group: Group, frame: Buffer): void {
    for (const member of group.members) {
      if (member.daemonIndex !== this.#sessions.daemonIndex) continue;
      const target = this.#sessions.find(member.privateGroup);
      if (target?.wantsMembership === true) target.deliver(frame);
    }
  }
}
