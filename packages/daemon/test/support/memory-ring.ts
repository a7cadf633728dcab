/**
 * Real RingNodes (packages/ring) on an in-memory network, for RingOrdering tests: every send
 * reaches its destinations' `receive` after `latencyMs`, in send order, and a node is ticked
 * when its `nextDeadlineMs` comes. Faults: crash (a node stops, its packets vanish),
 * restart (a new incarnation), partition and heal.
 *
 * Two clocks: `virtual` advances only in runFor/runUntil, jumping to the next packet or
 * deadline (quinn's Pair, h11's ConnectionPair); `real` follows Date.now() on timers, for
 * tests with real daemons and sockets.
 */
// The workspace link node_modules/@ringlog/ring appears with the next `pnpm install`.
import { RING_NODE_DEFAULTS, RING_TIMEOUTS_DEFAULT_MS, RingNode, type RingEvent, type RingPacket } from '../../../ring/src/index.ts';
import type { RingPort } from '@ringlog/daemon';

interface InFlight {
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
  readonly packet: RingPacket;
}

interface Member {
  readonly node: RingNode;
  readonly port: MemoryRingPort;
  handler: ((event: RingEvent) => void) | null;
  flushing: boolean;
  again: boolean;
}

/** Steps one run may take before it is called a livelock. */
const STEPS_MAX = 5_000_000;

export class MemoryRing {
  readonly segment: readonly string[];
  readonly latencyMs: number;
  readonly #clock: 'virtual' | 'real';
  #virtualNowMs: number;
  readonly #members = new Map<string, Member>();
  #inFlight: InFlight[] = [];
  #sides: readonly (readonly string[])[] | null = null;
  #incarnation = 1;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(options: { segment: readonly string[]; startMs?: number; latencyMs?: number; clock?: 'virtual' | 'real' }) {
    this.segment = options.segment;
    this.latencyMs = options.latencyMs ?? 1;
    this.#clock = options.clock ?? 'virtual';
    this.#virtualNowMs = options.startMs ?? 1_795_308_581_000;
  }

  readonly nowMs = (): number => (this.#clock === 'real' ? Date.now() : this.#virtualNowMs);

  /** Starts (or restarts, as a new incarnation) daemon `name`; returns its port. */
  start(name: string): MemoryRingPort {
    this.crash(name);
    const node = new RingNode(
      {
        name,
        incarnation: this.#incarnation++,
        segment: this.segment,
        timeouts: RING_TIMEOUTS_DEFAULT_MS,
        ...RING_NODE_DEFAULTS,
      },
      this.nowMs(),
    );
    const port = new MemoryRingPort(this, name);
    this.#members.set(name, { node, port, handler: null, flushing: false, again: false });
    this.flush(name);
    return port;
  }

  /** The daemon stops dead: no more sends, receives or ticks; packets in flight to it vanish. */
  crash(name: string): void {
    const member = this.#members.get(name);
    if (member === undefined) return;
    this.#members.delete(name);
    member.port.close();
  }

  isUp(name: string): boolean {
    return this.#members.has(name);
  }

  /** From now on only daemons on the same side hear each other. */
  partition(...sides: (readonly string[])[]): void {
    this.#sides = sides;
  }

  heal(): void {
    this.#sides = null;
    this.#schedule();
  }

  #connected(from: string, to: string): boolean {
    if (this.#sides === null) return true;
    return this.#sides.some((side) => side.includes(from) && side.includes(to));
  }

  node(name: string): RingNode | undefined {
    return this.#members.get(name)?.node;
  }

  register(name: string, handler: (event: RingEvent) => void): void {
    const member = this.#members.get(name);
    if (member === undefined) return;
    member.handler = handler;
    this.flush(name);
  }

  /** Hands `name`'s output to the network and its events to its handler; safe to re-enter. */
  flush(name: string): void {
    const member = this.#members.get(name);
    if (member === undefined) return;
    if (member.flushing) {
      member.again = true;
      return;
    }
    member.flushing = true;
    try {
      do {
        member.again = false;
        const output = member.node.takeOutput();
        for (const send of output.sends) for (const to of send.to) this.#send(name, to, send.packet);
        for (const event of output.events) member.handler?.(event);
      } while (member.again);
    } finally {
      member.flushing = false;
    }
    this.#schedule();
  }

  #send(from: string, to: string, packet: RingPacket): void {
    if (!this.#members.has(to) || !this.#connected(from, to)) return;
    this.#inFlight.push({ atMs: this.nowMs() + this.latencyMs, from, to, packet });
  }

  #nextAtMs(): number {
    let next = this.#inFlight[0]?.atMs ?? Infinity;
    for (const member of this.#members.values()) next = Math.min(next, member.node.nextDeadlineMs);
    return next;
  }

  /** Delivers every packet due and ticks every node due at the current time. */
  #runDue(): void {
    const now = this.nowMs();
    while (this.#inFlight.length > 0 && (this.#inFlight[0] as InFlight).atMs <= now) {
      const { from, to, packet } = this.#inFlight.shift() as InFlight;
      const member = this.#members.get(to);
      if (member === undefined || !this.#connected(from, to)) continue;
      member.node.receive(packet, now);
      this.flush(to);
    }
    for (const [name, member] of this.#members) {
      if (member.node.nextDeadlineMs > now) continue;
      member.node.tick(now);
      this.flush(name);
    }
  }

  /** Virtual clock: runs the network for `ms`. */
  runFor(ms: number): void {
    this.#runTo(this.#virtualNowMs + ms, () => false);
  }

  /** Virtual clock: runs until `done()` holds, failing after `maxMs` of virtual time. */
  runUntil(done: () => boolean, what: string, maxMs = 30_000): void {
    const endMs = this.#virtualNowMs + maxMs;
    if (!this.#runTo(endMs, done)) throw new Error(`Timed out after ${maxMs} virtual ms waiting for ${what}`);
  }

  #runTo(endMs: number, done: () => boolean): boolean {
    if (this.#clock !== 'virtual') throw new Error('MemoryRing: runFor/runUntil need the virtual clock');
    for (let steps = 0; steps < STEPS_MAX; steps++) {
      if (done()) return true;
      const next = this.#nextAtMs();
      if (next > endMs) {
        this.#virtualNowMs = endMs;
        return done();
      }
      this.#virtualNowMs = Math.max(this.#virtualNowMs, next);
      this.#runDue();
    }
    throw new Error(`MemoryRing: livelock, ${STEPS_MAX} steps without reaching ${endMs}`);
  }

  /** Real clock: wakes for the next packet or deadline. */
  #schedule(): void {
    if (this.#clock !== 'real' || this.#stopped) return;
    const next = this.#nextAtMs();
    if (next === Infinity) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#pump, Math.max(0, next - Date.now()));
  }

  readonly #pump = (): void => {
    this.#timer = null;
    if (this.#stopped) return;
    this.#runDue();
    this.#schedule();
  };

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

/** One daemon's RingPort: what a runner would be, minus UDP and timers. */
export class MemoryRingPort implements RingPort {
  readonly #ring: MemoryRing;
  readonly name: string;
  dead = false;

  constructor(ring: MemoryRing, name: string) {
    this.#ring = ring;
    this.name = name;
  }

  submit(payload: Uint8Array, safe: boolean): void {
    if (this.dead) return;
    this.#ring.node(this.name)?.submit(payload, safe, this.#ring.nowMs());
    this.#ring.flush(this.name);
  }

  submitFirst(payload: Uint8Array, safe: boolean): void {
    if (this.dead) return;
    this.#ring.node(this.name)?.submitFirst(payload, safe, this.#ring.nowMs());
    this.#ring.flush(this.name);
  }

  onEvent(handler: (event: RingEvent) => void): void {
    if (!this.dead) this.#ring.register(this.name, handler);
  }

  /** The daemon is shutting down: its node leaves the network as if it crashed. */
  close(): void {
    if (this.dead) return;
    this.dead = true;
    this.#ring.crash(this.name);
  }
}
