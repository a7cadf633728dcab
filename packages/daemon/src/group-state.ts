/**
 * What one daemon tells the others about its own sessions' groups after every regular
 * configuration (the group state exchange). Each daemon speaks only for the members it
 * hosts, so the union of the member daemons' states is the configuration's group table.
 *
 * A state lists groups, not members, because each group carries its id and a `changed`
 * flag: a daemon that lost some of a group's members at the transitional configuration is
 * the only one that knows the group changed, and a daemon from another partition may not
 * know the group at all. Every receiver ORs the flags, so all compute the same new group
 * ids from the same states (Spread's GROUPS messages carry the same two fields).
 */
import type { GroupId } from '@ringlog/wire';
import type { RingId } from '@ringlog/ring';

/** A configuration's identity as clients see it: the first two parts of a group id. */
export interface ViewId {
  readonly procId: number;
  readonly timeSecs: number;
}

export interface GroupStateEntry {
  readonly name: string;
  /** The group's id before this change; kept by every receiver when nobody reports a change. */
  readonly groupId: GroupId;
  /** The sender saw the group lose members (or keeps a change not yet announced). */
  readonly changed: boolean;
  /** The sender's own members of the group, private group names, sorted. */
  readonly members: readonly string[];
}

export interface GroupStateMessage {
  readonly kind: 'group-state';
  /** The configuration this state is for; a state that arrives in a later one is stale. */
  readonly ringId: RingId;
  readonly daemon: string;
  /** The sender's clock when it installed the configuration; the representative's value wins. */
  readonly timeSecs: number;
  /** The configuration the sender comes from; null when it has been in none. */
  readonly previousView: ViewId | null;
  readonly groups: readonly GroupStateEntry[];
}
