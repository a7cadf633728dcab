import type { DaemonName, JoinPacket } from './packets.ts';

/**
 * The gather step of membership: daemons exchange join messages carrying who they believe is
 * alive (proc set) and who has failed (fail set), merging what they hear, until every daemon
 * they consider alive has sent the same two sets: consensus. A daemon that does not answer
 * within the gather timeout is moved to the fail set. A daemon that finds itself in another's
 * fail set puts that one in its own: the two will form separate rings and merge later.
 */
export class GatherState {
  readonly procSet = new Set<DaemonName>();
  readonly failSet = new Set<DaemonName>();
  /** The last join heard from each daemon in this gather. */
  readonly joins = new Map<DaemonName, JoinPacket>();
  readonly incarnations = new Map<DaemonName, number>();
  /** Daemons whose joins arrived since the last gather timeout. */
  readonly heardRecently = new Set<DaemonName>();
  /** Gather timeouts this gather has gone through without consensus. */
  timeouts = 0;
  readonly #self: DaemonName;
  readonly #order: ReadonlyMap<DaemonName, number>;

  constructor(self: DaemonName, selfIncarnation: number, start: Iterable<DaemonName>, order: ReadonlyMap<DaemonName, number>) {
    this.#self = self;
    this.#order = order;
    this.procSet.add(self);
    for (const name of start) this.procSet.add(name);
    this.incarnations.set(self, selfIncarnation);
  }

  /** Merges a join; returns true when this daemon's own sets changed (send a join again). */
  merge(join: JoinPacket): boolean {
    this.joins.set(join.sender, join);
    this.heardRecently.add(join.sender);
    this.incarnations.set(join.sender, join.incarnation);
    const before = this.procSet.size + this.failSet.size * 1000;
    if (join.failSet.includes(this.#self)) {
      this.procSet.add(join.sender);
      this.failSet.add(join.sender);
    } else if (!this.failSet.has(join.sender)) {
      this.procSet.add(join.sender);
      for (const name of join.procSet) if (this.#order.has(name)) this.procSet.add(name);
      for (const name of join.failSet) if (name !== this.#self && this.#order.has(name)) this.failSet.add(name);
    }
    return this.procSet.size + this.failSet.size * 1000 !== before;
  }

  /** Adds a daemon heard from outside a join (a probe), unless it has failed. */
  add(name: DaemonName): boolean {
    if (this.procSet.has(name) || this.failSet.has(name)) return false;
    this.procSet.add(name);
    return true;
  }

  /** Alive members in configuration order: the ring this gather would form. */
  alive(): DaemonName[] {
    return [...this.procSet].filter((name) => !this.failSet.has(name)).sort((a, b) => this.#order.get(a)! - this.#order.get(b)!);
  }

  /** Every alive daemon has sent exactly our sets. */
  hasConsensus(): boolean {
    const procSet = sortedText(this.procSet);
    const failSet = sortedText(this.failSet);
    for (const name of this.alive()) {
      if (name === this.#self) continue;
      const join = this.joins.get(name);
      if (join === undefined) return false;
      if (sortedText(join.procSet) !== procSet || sortedText(join.failSet) !== failSet) return false;
    }
    return true;
  }

  /** Gather timeout: whoever alive has not agreed is failed. Returns whether anything changed. */
  failSilent(): boolean {
    this.timeouts += 1;
    this.heardRecently.clear();
    const procSet = sortedText(this.procSet);
    const failSet = sortedText(this.failSet);
    let changed = false;
    for (const name of this.alive()) {
      if (name === this.#self) continue;
      const join = this.joins.get(name);
      if (join !== undefined && sortedText(join.procSet) === procSet && sortedText(join.failSet) === failSet) continue;
      this.failSet.add(name);
      changed = true;
    }
    return changed;
  }

  joinPacket(incarnation: number, ringSeq: number): JoinPacket {
    return {
      kind: 'join',
      sender: this.#self,
      incarnation,
      procSet: this.#sorted(this.procSet),
      failSet: this.#sorted(this.failSet),
      ringSeq,
    };
  }

  #sorted(set: ReadonlySet<DaemonName>): DaemonName[] {
    return [...set].sort((a, b) => this.#order.get(a)! - this.#order.get(b)!);
  }
}

function sortedText(names: Iterable<DaemonName>): string {
  return [...names].sort().join('\u0000');
}
