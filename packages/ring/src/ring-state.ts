import type { DaemonName, DataPacket, MemberInfo, RingId } from './packets.ts';

/**
 * One ring as a member sees it: its packets by sequence number and how far this member
 * holds them without a gap (aru, "all received up to").
 */
export class RingState {
  readonly id: RingId;
  readonly members: readonly DaemonName[];
  readonly myIndex: number;
  /** Each member's incarnation, as the commit token listed it. */
  readonly incarnations: readonly number[];
  readonly store = new Map<number, DataPacket>();
  /** Every packet up to here is held (or was delivered and discarded). */
  aru = 0;
  /** The highest sequence number seen in this ring. */
  highSeq = 0;
  /** The highest token hop acted on; older or repeated tokens are only acknowledged. */
  lastHop = 0;

  constructor(id: RingId, members: readonly DaemonName[], incarnations: readonly number[], self: DaemonName) {
    this.id = id;
    this.members = members;
    this.incarnations = incarnations;
    this.myIndex = members.indexOf(self);
  }

  get next(): DaemonName {
    return this.members[(this.myIndex + 1) % this.members.length]!;
  }

  /** Whether `name`, in this incarnation, is a member. */
  includes(name: DaemonName, incarnation: number): boolean {
    const index = this.members.indexOf(name);
    return index >= 0 && this.incarnations[index] === incarnation;
  }

  get others(): DaemonName[] {
    return this.members.filter((_, index) => index !== this.myIndex);
  }

  /** Stores a packet; returns false if it was already held or discarded. */
  add(packet: DataPacket): boolean {
    if (packet.seq <= this.aru || this.store.has(packet.seq)) return false;
    this.store.set(packet.seq, packet);
    if (packet.seq > this.highSeq) this.highSeq = packet.seq;
    while (this.store.has(this.aru + 1)) this.aru += 1;
    return true;
  }

  /** Sequence numbers above aru and up to `upTo` that are missing, at most `max` of them. */
  missing(upTo: number, max: number): number[] {
    const gaps: number[] = [];
    for (let seq = this.aru + 1; seq <= upTo && gaps.length < max; seq += 1) {
      if (!this.store.has(seq)) gaps.push(seq);
    }
    return gaps;
  }

  #discardedUpTo = 0;

  /** Forgets packets every member holds and this member has delivered. */
  discardUpTo(seq: number): void {
    for (let key = this.#discardedUpTo + 1; key <= seq; key += 1) this.store.delete(key);
    if (seq > this.#discardedUpTo) this.#discardedUpTo = seq;
  }
}

/** A ring being formed: the commit token's member list and, once known, everyone's infos. */
export interface FormingRing {
  readonly ring: RingState;
  infos: readonly (MemberInfo | null)[];
  /** The new ring's recovery sequence end, once the token has carried it; -1 before. */
  installSeq: number;
}
