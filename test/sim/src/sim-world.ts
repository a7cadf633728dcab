/**
 * The simulated segment: daemons (RingNodes), a network that loses, duplicates, delays and
 * reorders packets and can be partitioned, crashes that lose all state and restarts that
 * come back as a new incarnation, and client workloads. Time is virtual; one event queue
 * orders everything, so a seed replays exactly.
 */
import { mulberry32, randomInt, type Random } from '@ringlog/prng';
import { ENTRY_OVERHEAD_BYTES } from '@ringlog/ring/internal';
import { RingNode, type RingPacket } from '@ringlog/ring';
import { EventQueue } from './event-queue.ts';
import { Recorder } from './recorder.ts';
import type { Fault, Scenario } from './scenario.ts';
import { makePayload } from './sim-payload.ts';

type SimEvent =
  | { readonly kind: 'packet'; readonly to: number; readonly packet: RingPacket }
  | { readonly kind: 'tick'; readonly node: number; readonly version: number }
  | { readonly kind: 'fault'; readonly fault: Fault }
  | { readonly kind: 'submit' };

interface Slot {
  readonly name: string;
  incarnation: number;
  node: RingNode | null;
  tickAtMs: number;
  tickVersion: number;
  counter: number;
}

const OTHER_SERVICES = ['UNRELIABLE', 'RELIABLE', 'FIFO', 'CAUSAL', 'AGREED'] as const;

/** More events than this in one run means something spins. */
const EVENT_BUDGET = 4_000_000;

export class SimWorld {
  readonly scenario: Scenario;
  readonly recorder = new Recorder();
  readonly slots: Slot[];
  readonly names: string[];
  readonly #queue = new EventQueue<SimEvent>();
  readonly #random: Random;
  #components: number[];
  #lossRate: number;
  nowMs = 0;
  events = 0;
  packetsSent = 0;
  packetsLost = 0;

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    this.#random = mulberry32(scenario.seed ^ 0x5eed);
    this.names = Array.from({ length: scenario.daemons }, (_, index) => `d${index + 1}`);
    this.#components = this.names.map(() => 0);
    this.#lossRate = scenario.lossRate;
    this.slots = this.names.map((name) => ({ name, incarnation: 0, node: null, tickAtMs: Infinity, tickVersion: 0, counter: 0 }));
    for (let index = 0; index < this.slots.length; index += 1) this.#start(index);
    for (const { atMs, fault } of scenario.faults) this.#queue.push(atMs, { kind: 'fault', fault });
    this.#queue.push(scenario.chaosMs, { kind: 'fault', fault: { kind: 'heal' } });
    this.#scheduleSubmit();
  }

  keyOf(index: number): string {
    const slot = this.slots[index]!;
    return `${slot.name}#${slot.incarnation}`;
  }

  /** Runs until `untilMs`, calling `afterEvent` after each event (for liveness tracking). */
  runUntil(untilMs: number, afterEvent?: () => void): void {
    while (this.#queue.peekTime() <= untilMs) {
      const timeMs = this.#queue.peekTime();
      const event = this.#queue.pop()!;
      this.nowMs = timeMs;
      this.recorder.setNow(timeMs);
      this.events += 1;
      if (this.events > EVENT_BUDGET) throw new Error(`event budget of ${EVENT_BUDGET} exceeded at t=${timeMs}ms: something spins`);
      this.#handle(event);
      afterEvent?.();
    }
    this.nowMs = untilMs;
  }

  #handle(event: SimEvent): void {
    switch (event.kind) {
      case 'packet': {
        const node = this.slots[event.to]!.node;
        if (node === null) return;
        if (event.packet.kind === 'data') this.recorder.hold(this.keyOf(event.to), event.packet);
        node.receive(event.packet, this.nowMs);
        this.#flush(event.to);
        return;
      }
      case 'tick': {
        const slot = this.slots[event.node]!;
        if (slot.node === null || slot.tickVersion !== event.version) return;
        slot.tickAtMs = Infinity;
        slot.node.tick(this.nowMs);
        this.#flush(event.node);
        return;
      }
      case 'fault':
        this.#applyFault(event.fault);
        return;
      case 'submit':
        this.#submit();
        this.#scheduleSubmit();
    }
  }

  #start(index: number): void {
    const slot = this.slots[index]!;
    slot.incarnation += 1;
    slot.counter = 0;
    slot.tickAtMs = Infinity;
    slot.node = new RingNode(
      {
        name: slot.name,
        incarnation: slot.incarnation,
        segment: this.names,
        timeouts: this.scenario.timeouts,
        packetBytes: this.scenario.packetBytes,
        personalWindowPackets: this.scenario.personalWindowPackets,
        globalWindowPackets: this.scenario.globalWindowPackets,
        idleTokenHoldMs: this.scenario.idleTokenHoldMs,
      },
      this.nowMs,
    );
    this.recorder.incarnation(this.keyOf(index));
    this.#flush(index);
  }

  #applyFault(fault: Fault): void {
    switch (fault.kind) {
      case 'partition':
        this.#components = [...fault.components];
        return;
      case 'heal':
        this.#components = this.names.map(() => 0);
        if (this.nowMs >= this.scenario.chaosMs) {
          this.#lossRate = Math.min(this.scenario.lossRate, 0.02);
          this.slots.forEach((slot, index) => {
            if (slot.node === null) this.#start(index);
          });
        }
        return;
      case 'crash':
        this.slots[fault.node]!.node = null;
        this.slots[fault.node]!.tickVersion += 1;
        return;
      case 'restart':
        if (this.slots[fault.node]!.node === null) this.#start(fault.node);
        return;
      case 'lossy':
        this.#lossRate = fault.lossRate;
    }
  }

  #scheduleSubmit(): void {
    const gapMs = 1000 / this.scenario.messagesPerSecond;
    const at = this.nowMs + gapMs * 2 * this.#random();
    if (at < this.scenario.workloadEndMs) this.#queue.push(at, { kind: 'submit' });
  }

  #submit(): void {
    const index = randomInt(this.#random, this.slots.length);
    const slot = this.slots[index]!;
    if (slot.node === null) return;
    slot.counter += 1;
    const key = this.keyOf(index);
    const id = `${key}.${slot.counter}`;
    const blockBytes = this.scenario.packetBytes - ENTRY_OVERHEAD_BYTES;
    const large = this.#random() < 0.04;
    const fragments = large ? 2 + randomInt(this.#random, 3) : 1;
    const bytes = large ? fragments * blockBytes : Math.min(blockBytes, id.length + 1 + randomInt(this.#random, 200));
    const safe = this.#random() < 0.3;
    // The other five services share one delivery path in the ring (the total order); the label
    // rotates through them without drawing from the PRNG, so seeds keep their schedules.
    const service = safe ? 'SAFE' : OTHER_SERVICES[slot.counter % OTHER_SERVICES.length]!;
    const selfDiscard = this.#random() < 0.2;
    this.recorder.sent.set(id, { id, sender: key, origin: slot.name, counter: slot.counter, service, safe, selfDiscard, bytes, fragments });
    // The sender holds its own message from the start (alone in a ring it never sends it anywhere).
    this.recorder.incarnation(key).holdings.set(id, (1 << fragments) - 1);
    slot.node.submit(makePayload(id, bytes, blockBytes), safe, this.nowMs);
    this.#flush(index);
  }

  /** Hands a node's output to the network and the recorder, and schedules its next tick. */
  #flush(index: number): void {
    const slot = this.slots[index]!;
    const node = slot.node;
    if (node === null) return;
    const key = this.keyOf(index);
    const output = node.takeOutput();
    for (const event of output.events) this.recorder.event(key, event);
    for (const send of output.sends) {
      if (send.packet.kind === 'data') this.recorder.hold(key, send.packet);
      for (const name of send.to) this.#transmit(index, this.names.indexOf(name), send.packet);
    }
    const deadline = node.nextDeadlineMs;
    if (deadline < slot.tickAtMs) {
      slot.tickAtMs = Math.max(deadline, this.nowMs);
      slot.tickVersion += 1;
      this.#queue.push(slot.tickAtMs, { kind: 'tick', node: index, version: slot.tickVersion });
    }
  }

  #transmit(from: number, to: number, packet: RingPacket): void {
    this.packetsSent += 1;
    if (this.#components[from] !== this.#components[to] || this.#random() < this.#lossRate) {
      this.packetsLost += 1;
      return;
    }
    const copies = this.#random() < this.scenario.duplicateRate ? 2 : 1;
    for (let copy = 0; copy < copies; copy += 1) {
      const delayMs = this.scenario.delayMinMs + (this.scenario.delayMaxMs - this.scenario.delayMinMs) * this.#random();
      this.#queue.push(this.nowMs + delayMs, { kind: 'packet', to, packet });
    }
  }

  /** The live daemons, if they all share one installed ring of exactly them; else null. */
  oneRing(): string | null {
    let ring: string | null = null;
    const live = this.slots.filter((slot) => slot.node !== null);
    for (const slot of live) {
      const node = slot.node!;
      const installed = node.installedRing;
      if (node.phase !== 'operational' || installed === null || installed.members.length !== live.length) return null;
      const text = `${installed.id.rep}/${installed.id.repIncarnation}/${installed.id.seq}`;
      if (ring !== null && ring !== text) return null;
      ring = text;
    }
    return ring;
  }
}
