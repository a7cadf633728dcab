/**
 * Who is in which group. Members are kept sorted as Spread lists them: by daemon order in
 * the configuration, then by private group name. Every change bumps the group's index, the
 * third part of its group id. An empty group is forgotten; rejoining starts at index 1.
 */

export interface GroupMember {
  readonly privateGroup: string;
  readonly daemonIndex: number;
}

export interface Group {
  readonly name: string;
  readonly members: GroupMember[];
  index: number;
}

function compareMembers(a: GroupMember, b: GroupMember): number {
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

  groupsOf(privateGroup: string): ReadonlySet<string> {
    return this.#groupsOfMember.get(privateGroup) ?? new Set();
  }

  /** Adds a member; null when it already belongs (a repeated join is ignored, as in Spread). */
  join(name: string, member: GroupMember): Group | null {
    let group = this.#groups.get(name);
    if (group === undefined) {
      group = { name, members: [], index: 0 };
      this.#groups.set(name, group);
    }
    const at = lowerBound(group.members, member);
    if (group.members[at]?.privateGroup === member.privateGroup) return null;
    group.members.splice(at, 0, member);
    group.index++;
    let groups = this.#groupsOfMember.get(member.privateGroup);
    if (groups === undefined) {
      groups = new Set();
      this.#groupsOfMember.set(member.privateGroup, groups);
    }
    groups.add(name);
    return group;
  }

  /** Removes a member; null when it was not in the group. */
  leave(name: string, member: GroupMember): Group | null {
    const group = this.#groups.get(name);
    if (group === undefined) return null;
    const at = lowerBound(group.members, member);
    if (group.members[at]?.privateGroup !== member.privateGroup) return null;
    group.members.splice(at, 1);
    const privateGroup = member.privateGroup;
    group.index++;
    const groups = this.#groupsOfMember.get(privateGroup);
    groups?.delete(name);
    if (groups?.size === 0) this.#groupsOfMember.delete(privateGroup);
    if (group.members.length === 0) this.#groups.delete(name);
    return group;
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
