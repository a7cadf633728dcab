/**
 * The group table after a network change, computed from the member daemons' group states
 * (group-state.ts). Pure: every daemon runs it on the same states in the same order, so all
 * of them reach the same table and the same group ids.
 *
 * A group changed, and gets a new id {new configuration, index 1} and a CAUSED_BY_NETWORK
 * notice, when a state says so (its sender saw members lost) or when its members come from
 * more than one previous configuration (a merge). Otherwise it keeps its id and nobody is
 * told: a daemon joining the ring learns the group silently, as in Spread.
 *
 * vs_sets: the members split by the configuration their daemon came from, each set sorted
 * like member lists. Sets are ordered as Spread 5 orders them (groups.c
 * G_compare_daemon_vs_set): by the previous configuration's id, proc id first (compared as
 * a signed 32-bit value), then time, a daemon with no previous configuration last; ties by
 * daemon order in the segment. That reproduces the merge capture, where the set of d3 (alone)
 * precedes the set {d1, d2} at every daemon, so the offset is 36 at d1 and 0 at d3.
 */
import type { GroupId } from '@ringlog/wire';
import { compareMembers, type Group, type GroupMember, type GroupTable } from './group-table.ts';
import type { GroupStateEntry, GroupStateMessage, ViewId } from './group-state.ts';
import type { ConfigurationView, NetworkChange } from './ordering.ts';
import { ringIdText } from '@ringlog/ring';

export interface NetworkAnnouncement {
  readonly group: Group;
  readonly vsSets: readonly (readonly string[])[];
  /** Index in vsSets of the set holding this daemon's members. */
  readonly localSetIndex: number;
}

export interface NetworkGroups {
  readonly groups: readonly Group[];
  /** Changed groups with members on this daemon, to notify. */
  readonly announcements: readonly NetworkAnnouncement[];
  /** Incomplete exchange only: groups that changed without a notice, to announce next time. */
  readonly unannounced: readonly string[];
}

interface Contribution {
  readonly daemon: string;
  readonly entry: GroupStateEntry;
}

/** Daemon name → segment index; a name outside the segment sorts after all of it. */
export function daemonIndexOf(view: ConfigurationView, daemon: string): number {
  const index = view.daemons.indexOf(daemon);
  return index < 0 ? view.daemons.length : index;
}

export function computeNetworkGroups(change: NetworkChange, table: GroupTable, view: ConfigurationView, localDaemon: string): NetworkGroups {
  const contributions = collect(change.states, new Set(change.daemons));
  return change.complete ? completeChange(change, contributions, view, localDaemon) : incompleteChange(change, contributions, table, view);
}

function collect(states: readonly GroupStateMessage[], daemons: ReadonlySet<string>): Map<string, Contribution[]> {
  const byGroup = new Map<string, Contribution[]>();
  for (const state of states) {
    if (!daemons.has(state.daemon)) continue;
    for (const entry of state.groups) {
      let list = byGroup.get(entry.name);
      if (list === undefined) {
        list = [];
        byGroup.set(entry.name, list);
      }
      list.push({ daemon: state.daemon, entry });
    }
  }
  return byGroup;
}

/** Which configuration a daemon came from, as a comparable key; each fresh daemon is alone. */
function sourceKeys(change: NetworkChange): Map<string, string> {
  const keys = new Map<string, string>();
  change.daemons.forEach((daemon, i) => {
    const source = change.sources[i] ?? null;
    keys.set(daemon, source === null ? `fresh:${daemon}` : ringIdText(source));
  });
  return keys;
}

function membersOf(contributions: readonly Contribution[], view: ConfigurationView): GroupMember[] {
  const members: GroupMember[] = [];
  for (const { daemon, entry } of contributions) {
    const daemonIndex = daemonIndexOf(view, daemon);
    for (const privateGroup of entry.members) members.push({ privateGroup, daemonIndex });
  }
  return members.sort(compareMembers);
}

function completeChange(change: NetworkChange, byGroup: Map<string, Contribution[]>, view: ConfigurationView, localDaemon: string): NetworkGroups {
  const keys = sourceKeys(change);
  const previous = new Map(change.states.map((state) => [state.daemon, state.previousView]));
  const groups: Group[] = [];
  const announcements: NetworkAnnouncement[] = [];
  for (const [name, contributions] of byGroup) {
    const members = membersOf(contributions, view);
    if (members.length === 0) continue;
    const sources = new Set(contributions.map((c) => keys.get(c.daemon)));
    const changed = sources.size > 1 || contributions.some((c) => c.entry.changed);
    const id: GroupId = changed ? { procId: view.procId, time: view.timeSecs, index: 1 } : (contributions[0] as Contribution).entry.groupId;
    const group: Group = { name, members, procId: id.procId, timeSecs: id.time, index: id.index };
    groups.push(group);
    if (!changed || !contributions.some((c) => c.daemon === localDaemon)) continue;
    announcements.push(announce(group, view, keys, previous, localDaemon));
  }
  return { groups, announcements, unannounced: [] };
}

function announce(group: Group, view: ConfigurationView, keys: Map<string, string>, previous: Map<string, ViewId | null>, localDaemon: string): NetworkAnnouncement {
  const sets = new Map<string, { firstDaemon: string; members: string[] }>();
  for (const member of group.members) {
    const daemon = view.daemons[member.daemonIndex] ?? '';
    const key = keys.get(daemon) ?? `fresh:${daemon}`;
    let set = sets.get(key);
    if (set === undefined) {
      set = { firstDaemon: daemon, members: [] };
      sets.set(key, set);
    }
    set.members.push(member.privateGroup);
  }
  const ordered = [...sets.entries()].sort(([, a], [, b]) => compareSources(previous.get(a.firstDaemon) ?? null, previous.get(b.firstDaemon) ?? null) || daemonIndexOf(view, a.firstDaemon) - daemonIndexOf(view, b.firstDaemon));
  const localKey = keys.get(localDaemon);
  return {
    group,
    vsSets: ordered.map(([, set]) => set.members),
    localSetIndex: Math.max(0, ordered.findIndex(([key]) => key === localKey)),
  };
}

/** Spread's G_compare_memb_ids: proc id (signed), then time; unknown last. */
function compareSources(a: ViewId | null, b: ViewId | null): number {
  if (a === null || b === null) return (a === null ? 1 : 0) - (b === null ? 1 : 0);
  if ((a.procId | 0) !== (b.procId | 0)) return (a.procId | 0) < (b.procId | 0) ? -1 : 1;
  return a.timeSecs - b.timeSecs;
}

/**
 * Some states never came: keep what the old table says for the daemons that stayed silent,
 * take the states that came for the others, and announce nothing now. Every group whose
 * members moved is reported changed in this daemon's next state, so the next complete
 * exchange announces it.
 */
function incompleteChange(change: NetworkChange, byGroup: Map<string, Contribution[]>, table: GroupTable, view: ConfigurationView): NetworkGroups {
  const daemons = new Set(change.daemons);
  const reported = new Set(change.states.map((state) => state.daemon));
  const keep = (member: GroupMember): boolean => {
    const daemon = view.daemons[member.daemonIndex] ?? '';
    return daemons.has(daemon) && !reported.has(daemon);
  };
  const groups = new Map<string, Group>();
  for (const old of table.values()) {
    groups.set(old.name, { ...old, members: old.members.filter(keep) });
  }
  const unannounced: string[] = [];
  for (const [name, contributions] of byGroup) {
    const old = table.get(name);
    const id = old === undefined ? (contributions[0] as Contribution).entry.groupId : { procId: old.procId, time: old.timeSecs, index: old.index };
    const members = [...(groups.get(name)?.members ?? []), ...membersOf(contributions, view)].sort(compareMembers);
    groups.set(name, { name, members, procId: id.procId, timeSecs: id.time, index: id.index });
  }
  for (const group of groups.values()) {
    const old = table.get(group.name);
    const moved = old === undefined || !sameMembers(old.members, group.members);
    if (moved || (byGroup.get(group.name) ?? []).some((c) => c.entry.changed)) unannounced.push(group.name);
  }
  return { groups: [...groups.values()].filter((group) => group.members.length > 0), announcements: [], unannounced };
}

function sameMembers(a: readonly GroupMember[], b: readonly GroupMember[]): boolean {
  return a.length === b.length && a.every((member, i) => member.privateGroup === b[i]?.privateGroup);
}
