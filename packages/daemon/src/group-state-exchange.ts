/**
 * One group state exchange: from a regular configuration until every member daemon's state
 * has been delivered. Requests delivered meanwhile are held, so they apply to the new group
 * table, in their order, once it is known. The held list is bounded by what the ring
 * delivers in about one token rotation: each daemon sends its state ahead of everything it
 * has waiting, on its first token visit.
 */
import type { GroupStateMessage } from './group-state.ts';
import type { OrderedRequest } from './ordering.ts';
import { type RingId, sameRing } from '@ringlog/ring';

export type StateVerdict = 'accepted' | 'stale' | 'stranger' | 'duplicate';

export class GroupStateExchange {
  readonly ringId: RingId;
  /** The configuration's daemons, in segment order. */
  readonly daemons: readonly string[];
  readonly sources: readonly (RingId | null)[];
  readonly held: OrderedRequest[] = [];
  /** This daemon's own clock reading for the configuration; used when the representative's is missing. */
  readonly #ownTimeSecs: number;
  readonly #states = new Map<string, GroupStateMessage>();

  constructor(ringId: RingId, daemons: readonly string[], sources: readonly (RingId | null)[], ownTimeSecs: number) {
    this.ringId = ringId;
    this.daemons = daemons;
    this.sources = sources;
    this.#ownTimeSecs = ownTimeSecs;
  }

  get complete(): boolean {
    return this.#states.size === this.daemons.length;
  }

  /** The daemons whose state has not come (yet). */
  get missing(): string[] {
    return this.daemons.filter((daemon) => !this.#states.has(daemon));
  }

  add(state: GroupStateMessage): StateVerdict {
    if (!sameRing(state.ringId, this.ringId)) return 'stale';
    if (!this.daemons.includes(state.daemon)) return 'stranger';
    if (this.#states.has(state.daemon)) return 'duplicate';
    this.#states.set(state.daemon, state);
    return 'accepted';
  }

  /** The states received, in segment order. */
  states(): GroupStateMessage[] {
    const states: GroupStateMessage[] = [];
    for (const daemon of this.daemons) {
      const state = this.#states.get(daemon);
      if (state !== undefined) states.push(state);
    }
    return states;
  }

  /**
   * The configuration's time in group ids: the representative's reading, so every daemon uses
   * one value. Without it (exchange cut short) the latest reading received: daemons that move
   * on together received the same states, so they still agree with each other.
   */
  agreedTimeSecs(): number {
    const rep = this.#states.get(this.ringId.rep);
    if (rep !== undefined) return rep.timeSecs;
    let latest = -1;
    for (const state of this.#states.values()) latest = Math.max(latest, state.timeSecs);
    return latest >= 0 ? latest : this.#ownTimeSecs;
  }
}
