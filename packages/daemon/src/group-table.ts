/**
 * Who is in which group. Members are kept sorted as Spread lists them: by daemon order in
 * the configuration, then by private group name. A group's id is the configuration that last
 * reset it (proc id and time) plus an index that every join or leave bumps. A group created
 * by a join takes the current configuration and index 1; a network change that alters it
 * gives it the new configuration and index 1 again; an empty group is forgotten.
 */
import type { GroupId } from '@ringlog/wire';
import type { ViewId } from './group-state.ts';

export interface GroupMember {
  readonly privateGroup: string;
  /** The member's daemon's place in the segment configuration. */
  readonly daemonIndex: number;
}

export interface Group {
  readonly name: string;
  readonly members: GroupMember[];
  /** The configuration that last reset the index: the first two parts of the group id. */
  procId: number;
  timeSecs: number;
  index: number;
}

export function groupIdOf(group: Group): GroupId {
  return { procId: group.procId, time: group.timeSecs, index: group.index };
}

export function compareMembers(a: GroupMember, b: GroupMember): number {
  if (a.daemonIndex !== b.daemonIndex) return a.daemonIndex - b.daemonIndex;
  if (a.privateGroup === b.privateGroup) return 0;
  return a.privateGroup < b.privateGroup ? -1 : 1;
}

export class GroupTable {
  readonly #groups = new Map<string, Group>();
  readonly #groupsOfMember = new Map<string, Set<string>>();

  get(name: string): Group | undefined {
    return this.#groups.get(name);
  }

  get size(): number {
    return this.#groups.size;
  }

  values(): IterableIterator<Group> {
    return this.#groups.values();
  }

  groupsOf(privateGroup: string): ReadonlySet<string> {
    return this.#groupsOfMember.get(privateGroup) ?? new Set();
  }

  /** Adds a member; null when it already belongs (a repeated join is ignored, as in Spread). */
  join(name: string, member: GroupMember, view: ViewId): Group | null {
    let group = this.#groups.get(name);
    if (group === undefined) {
      group = { name, members: [], procId: view.procId, timeSecs: view.timeSecs, index: 0 };
      this.#groups.set(name, group);
    }
    const at = lowerBound(group.members, member);
    if (group.members[at]?.privateGroup === member.privateGroup) return null;
    group.members.splice(at, 0, member);
    group.index++;
    this.#index(member.privateGroup, name);
    return group;
  }

  /** Removes a member; null when it was not in the group. */
  leave(name: string, member: GroupMember): Group | null {
    const group = this.#groups.get(name);
    if (group === undefined) return null;
    const at = lowerBound(group.members, member);
    if (group.members[at]?.privateGroup !== member.privateGroup) return null;
    group.members.splice(at, 1);
    group.index++;
    this.#unindex(member.privateGroup, name);
    if (group.members.length === 0) this.#groups.delete(name);
    return group;
  }

  /**
   * Drops, without touching indexes, the members `gone` picks: members of daemons that left
   * the configuration vanish with the network change rather than by a leave. Returns the
   * names of the groups that lost members.
   */
  removeWhere(gone: (member: GroupMember) => boolean): string[] {
    const changed: string[] = [];
    for (const group of [...this.#groups.values()]) {
      const kept = group.members.filter((member) => !gone(member));
      if (kept.length === group.members.length) continue;
      for (const member of group.members) if (gone(member)) this.#unindex(member.privateGroup, group.name);
      group.members.splice(0, group.members.length, ...kept);
      changed.push(group.name);
      if (kept.length === 0) this.#groups.delete(group.name);
    }
    return changed;
  }

  /** Replaces the whole table, as a network change computed it. Member lists must be sorted. */
  replaceAll(groups: Iterable<Group>): void {
    this.#groups.clear();
    this.#groupsOfMember.clear();
    for (const group of groups) {
      if (group.members.length === 0) continue;
      this.#groups.set(group.name, group);
      for (const member of group.members) this.#index(member.privateGroup, group.name);
    }
  }

  #index(privateGroup: string, name: string): void {
    let groups = this.#groupsOfMember.get(privateGroup);
    if (groups === undefined) {
      groups = new Set();
      this.#groupsOfMember.set(privateGroup, groups);
    }
    groups.add(name);
  }

  #unindex(privateGroup: string, name: string): void {
    const groups = this.#groupsOfMember.get(privateGroup);
    groups?.delete(name);
    if (groups?.size === 0) this.#groupsOfMember.delete(privateGroup);
  }
}

function lowerBound(members: readonly GroupMember[], member: GroupMember): number {
  let low = 0;
  let high = members.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareMembers(members[mid] as GroupMember, member) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
