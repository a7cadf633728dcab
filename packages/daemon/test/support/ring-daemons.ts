/**
 * Daemons reduced to what ordering tests need, on a virtual clock: a RingOrdering over a
 * MemoryRing, a Delivery, and fake sessions that record every frame they are handed. The
 * wiring is the Daemon's (daemon.ts constructor); only sockets and the handshake are missing.
 */
import { RingOrdering } from '@ringlog/daemon';
import { Delivery, type DeliveryTarget, type LocalSessions } from '@ringlog/daemon/internal';
import { decodeMessage, encodeMessage, hintFromMessType, type Message, privateGroupName, ServiceType } from '@ringlog/wire';
import { MemoryRing } from './memory-ring.ts';

/** Virtual ids: d1's is the capture's; d3's is lower, as the merge capture's vs_set order implies. */
export const PROC_IDS = { d1: 1552775919, d2: 1552775923, d3: 482711334 } as const;

export function procIdOf(daemon: string): number {
  return (PROC_IDS as Readonly<Record<string, number | undefined>>)[daemon] ?? 0;
}

export const SEGMENT = ['d1', 'd2', 'd3'] as const;

export class FakeSession implements DeliveryTarget {
  readonly group: string;
  readonly wantsMembership: boolean;
  readonly frames: Buffer[] = [];
  #read = 0;

  constructor(group: string, wantsMembership: boolean) {
    this.group = group;
    this.wantsMembership = wantsMembership;
  }

  deliver(frame: Buffer): void {
    this.frames.push(frame);
  }

  /** Frames not yet taken, decoded; marks them taken. */
  take(): Message[] {
    const fresh = this.frames.slice(this.#read);
    this.#read = this.frames.length;
    return fresh.map((frame) => decodeMessage(frame, true));
  }

  /** Raw frames not yet taken; marks them taken. */
  takeFrames(): Buffer[] {
    const fresh = this.frames.slice(this.#read);
    this.#read = this.frames.length;
    return fresh;
  }

  get unread(): number {
    return this.frames.length - this.#read;
  }
}

export class MiniDaemon implements LocalSessions {
  readonly name: string;
  readonly daemonIndex: number;
  readonly ordering: RingOrdering;
  readonly delivery: Delivery;
  readonly sessions = new Map<string, FakeSession>();
  readonly freed: string[] = [];

  constructor(ring: MemoryRing, name: string) {
    this.name = name;
    this.daemonIndex = ring.segment.indexOf(name);
    this.ordering = new RingOrdering({
      daemonName: name,
      segmentDaemons: ring.segment,
      procIdOf,
      nowMs: ring.nowMs,
      port: ring.start(name),
    });
    this.delivery = new Delivery(this, () => this.ordering.view);
    this.ordering.onDeliver(this.delivery.apply);
    this.ordering.onGroupState(this.delivery);
  }

  find(privateGroup: string): DeliveryTarget | undefined {
    return this.sessions.get(privateGroup);
  }

  disconnected(privateGroup: string): void {
    this.freed.push(privateGroup);
  }

  connect(user: string, membership = true): FakeSession {
    const session = new FakeSession(privateGroupName(user, this.name), membership);
    this.sessions.set(session.group, session);
    return session;
  }

  join(session: FakeSession, group: string): void {
    this.ordering.submit({ kind: 'join', member: session.group, group });
  }

  leave(session: FakeSession, group: string): void {
    this.ordering.submit({ kind: 'leave', member: session.group, group });
  }

  disconnect(session: FakeSession): void {
    this.sessions.delete(session.group);
    this.ordering.submit({ kind: 'disconnect', member: session.group });
  }

  send(session: FakeSession, service: number, groups: string[], text: string): void {
    const frame = encodeMessage({ type: service, sender: session.group, groups, hint: hintFromMessType(0), data: Buffer.from(text) });
    this.ordering.submit({ kind: 'multicast', sender: session.group, service, selfDiscard: false, groups, frame });
  }

  /** In a regular configuration of exactly `daemons`, its group state exchange done. */
  settledWith(daemons: readonly string[]): boolean {
    return !this.ordering.exchanging && this.ordering.members.join() === daemons.join();
  }
}

/** Three mini daemons on one virtual ring starting at `startMs`, settled in one configuration. */
export function startThree(startMs: number): { ring: MemoryRing; daemons: Record<'d1' | 'd2' | 'd3', MiniDaemon> } {
  const ring = new MemoryRing({ segment: SEGMENT, startMs });
  const daemons = { d1: startMini(ring, 'd1'), d2: startMini(ring, 'd2'), d3: startMini(ring, 'd3') };
  ring.runUntil(() => Object.values(daemons).every((d) => d.settledWith(SEGMENT)), 'one configuration of d1, d2, d3');
  return { ring, daemons };
}

export function startMini(ring: MemoryRing, name: string): MiniDaemon {
  return new MiniDaemon(ring, name);
}

export const { AGREED, SAFE, FIFO } = ServiceType;
