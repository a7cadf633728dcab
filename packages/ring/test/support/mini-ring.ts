/**
 * A few RingNodes on a perfect in-memory network with a virtual clock: enough to test the
 * protocol's ordinary paths. The simulator in test/sim covers faults at scale.
 */
import { RING_TIMEOUTS_DEFAULT_MS, RingNode, type RingEvent, type RingNodeOptions, type RingPacket } from '../../src/index.ts';

interface InFlight {
  readonly atMs: number;
  readonly to: string;
  readonly packet: RingPacket;
}

export class MiniRing {
  readonly nodes = new Map<string, RingNode>();
  readonly events = new Map<string, RingEvent[]>();
  readonly down = new Set<string>();
  readonly names: readonly string[];
  nowMs = 0;
  #inFlight: InFlight[] = [];
  readonly #options: Partial<RingNodeOptions>;
  readonly latencyMs: number;
  /** Packets for which this returns true are dropped. */
  drop: (packet: RingPacket, to: string) => boolean = () => false;

  constructor(names: readonly string[], options: Partial<RingNodeOptions> = {}, latencyMs = 0.1) {
    this.names = names;
    this.#options = options;
    this.latencyMs = latencyMs;
    for (const name of names) this.start(name, 1);
  }

  start(name: string, incarnation: number): void {
    const node = new RingNode(
      {
        name,
        incarnation,
        segment: this.names,
        timeouts: RING_TIMEOUTS_DEFAULT_MS,
        packetBytes: 1400,
        personalWindowPackets: 64,
        globalWindowPackets: 1024,
        idleTokenHoldMs: 5,
        ...this.#options,
      },
      this.nowMs,
    );
    this.nodes.set(name, node);
    this.events.set(name, []);
    this.down.delete(name);
    this.#collect(name);
  }

  crash(name: string): void {
    this.down.add(name);
  }

  submit(name: string, text: string, safe = false): void {
    this.nodes.get(name)!.submit(Buffer.from(text), safe, this.nowMs);
    this.#collect(name);
  }

  /** Advances virtual time, delivering packets and ticks in time order. */
  run(forMs: number): void {
    const until = this.nowMs + forMs;
    for (;;) {
      const nextPacket = this.#inFlight.reduce((min, item) => Math.min(min, item.atMs), Infinity);
      let nextTick = Infinity;
      for (const [name, node] of this.nodes) if (!this.down.has(name)) nextTick = Math.min(nextTick, node.nextDeadlineMs);
      const next = Math.min(nextPacket, nextTick);
      if (next > until) break;
      this.nowMs = Math.max(this.nowMs, next);
      if (nextPacket <= nextTick) {
        const index = this.#inFlight.findIndex((item) => item.atMs === nextPacket);
        const [item] = this.#inFlight.splice(index, 1);
        if (!this.down.has(item!.to)) {
          this.nodes.get(item!.to)!.receive(item!.packet, this.nowMs);
          this.#collect(item!.to);
        }
      } else {
        for (const [name, node] of this.nodes) {
          if (this.down.has(name) || node.nextDeadlineMs > this.nowMs) continue;
          node.tick(this.nowMs);
          this.#collect(name);
        }
      }
    }
    this.nowMs = until;
  }

  messages(name: string): string[] {
    return this.events.get(name)!.flatMap((event) => (event.kind === 'message' ? [Buffer.from(event.payload).toString()] : []));
  }

  configurations(name: string): RingEvent[] {
    return this.events.get(name)!.filter((event) => event.kind !== 'message');
  }

  #collect(name: string): void {
    const output = this.nodes.get(name)!.takeOutput();
    this.events.get(name)!.push(...output.events);
    for (const send of output.sends) {
      for (const to of send.to) {
        if (this.down.has(name) || this.drop(send.packet, to)) continue;
        this.#inFlight.push({ atMs: this.nowMs + this.latencyMs, to, packet: send.packet });
      }
    }
  }
}
