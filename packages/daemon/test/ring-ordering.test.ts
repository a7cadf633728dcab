/**
 * RingOrdering on three real RingNodes (packages/ring) over an in-memory network with a
 * virtual clock: ordering, group ids, and the membership messages of crash, restart,
 * partition and merge, compared byte for byte with the 3-daemon captures (sections 7, 8).
 * The daemons are Delivery + RingOrdering with recording sessions (support/ring-daemons.ts);
 * ring-ordering-daemons.test.ts runs real Daemons and sockets in real time.
 */
import { describe, expect, it } from 'vitest';
import { encodeRingPayload } from '@ringlog/daemon/internal';
import { decodeMembershipBody, encodeMessage, type Message, ServiceType } from '@ringlog/wire';
import {
  CRASH_RING_TIME_SECS,
  crashThirdJoin,
  crashTransition,
  crashNetwork,
  MERGE_RING_TIME_SECS,
  mergeNetwork,
  partitionNetwork,
  partitionTransition,
  restartJoin,
} from './support/ring-captures.ts';
import { AGREED, type FakeSession, type MiniDaemon, PROC_IDS, SAFE, SEGMENT, startMini, startThree } from './support/ring-daemons.ts';
import type { MemoryRing } from './support/memory-ring.ts';

const text = (message: Message): string => message.data.toString('latin1');

/** Joins `sessions` to `group` one after another, each once every earlier join was delivered everywhere. */
function joinInTurn(ring: MemoryRing, group: string, entries: [MiniDaemon, FakeSession][]): void {
  entries.forEach(([daemon, session], i) => {
    daemon.join(session, group);
    // The member that joined j-th has seen joins j..i.
    ring.runUntil(() => entries.slice(0, i + 1).every(([, s], j) => s.frames.length >= i - j + 1), `join ${i + 1} of ${group}`);
  });
}

describe('ring ordering - three daemons on real ring nodes', () => {
  it('ring ordering - joins on d1, d3, d2 reach every member with one group id, as captured', () => {
    const { ring, daemons } = startThree(CRASH_RING_TIME_SECS * 1000);
    const w1 = daemons.d1.connect('w1');
    const w2 = daemons.d2.connect('w2');
    const w3 = daemons.d3.connect('w3');
    joinInTurn(ring, 'kg', [[daemons.d1, w1], [daemons.d3, w3], [daemons.d2, w2]]);

    const first = w1.take();
    expect(first.map((m) => membershipOfIndex(m))).toEqual([1, 2, 3]);
    expect(decodeMembershipBody(first[0]!.data).groupId).toEqual({ procId: PROC_IDS.d1, time: CRASH_RING_TIME_SECS, index: 1 });
    expect(w1.frames[2]).toEqual(crashThirdJoin());
    expect(w2.takeFrames()).toEqual([crashThirdJoin()]);
    expect(w3.takeFrames()).toEqual([w1.frames[1], crashThirdJoin()]);
    for (const daemon of Object.values(daemons)) {
      expect(daemon.delivery.groups.get('kg')?.members.map((m) => m.privateGroup)).toEqual(['#w1#d1', '#w2#d2', '#w3#d3']);
    }
  });

  it('ring ordering - AGREED and SAFE messages from all three daemons arrive in one order everywhere, each sender in FIFO order', () => {
    const { ring, daemons } = startThree(CRASH_RING_TIME_SECS * 1000);
    const receivers = [daemons.d1.connect('r1'), daemons.d2.connect('r2'), daemons.d3.connect('r3')];
    joinInTurn(ring, 'g', [[daemons.d1, receivers[0]!], [daemons.d2, receivers[1]!], [daemons.d3, receivers[2]!]]);
    for (const receiver of receivers) receiver.take();
    const senders = Object.values(daemons).map((daemon) => [daemon, daemon.connect('s')] as const);
    for (let i = 0; i < 60; i++) {
      for (const [daemon, sender] of senders) daemon.send(sender, i % 7 === 0 ? SAFE : AGREED, ['g'], `${sender.group} ${i}`);
      if (i % 10 === 0) ring.runFor(3);
    }
    ring.runUntil(() => receivers.every((r) => r.unread === 180), 'all 180 messages at every receiver');
    const sequences = receivers.map((receiver) => receiver.take().map(text));
    expect(sequences[1]).toEqual(sequences[0]);
    expect(sequences[2]).toEqual(sequences[0]);
    for (const [, sender] of senders) {
      expect(sequences[0]!.filter((line) => line.startsWith(`${sender.group} `))).toEqual(Array.from({ length: 60 }, (_, i) => `${sender.group} ${i}`));
    }
  });

  it('ring ordering - d3 crashes: TRANSITION then REG|CAUSED_BY_NETWORK with one vs_set; a restarted d3 joins silently and its member joins lightweight', () => {
    const { ring, daemons } = startThree(CRASH_RING_TIME_SECS * 1000);
    const w1 = daemons.d1.connect('w1');
    const w2 = daemons.d2.connect('w2');
    const w3 = daemons.d3.connect('w3');
    joinInTurn(ring, 'kg', [[daemons.d1, w1], [daemons.d3, w3], [daemons.d2, w2]]);
    w1.take();
    w2.take();

    ring.crash('d3');
    ring.runUntil(() => daemons.d1.settledWith(['d1', 'd2']) && daemons.d2.settledWith(['d1', 'd2']), 'the {d1, d2} configuration');
    const crashTimeSecs = daemons.d1.ordering.view.timeSecs;
    expect(daemons.d2.ordering.view).toEqual(daemons.d1.ordering.view);
    expect(crashTimeSecs).toBeGreaterThan(CRASH_RING_TIME_SECS);
    for (const watcher of [w1, w2]) expect(watcher.takeFrames()).toEqual([crashTransition(), crashNetwork(crashTimeSecs)]);

    const d3 = startMini(ring, 'd3');
    ring.runUntil(() => [daemons.d1, daemons.d2, d3].every((d) => d.settledWith(SEGMENT)), 'd3 back in the ring');
    expect(w1.unread + w2.unread).toBe(0);
    expect(d3.delivery.groups.get('kg')?.members.map((m) => m.privateGroup)).toEqual(['#w1#d1', '#w2#d2']);
    const w3b = d3.connect('w3b');
    d3.join(w3b, 'kg');
    ring.runUntil(() => [w1, w2, w3b].every((s) => s.unread === 1), 'the join of w3b');
    for (const watcher of [w1, w2, w3b]) expect(watcher.takeFrames()).toEqual([restartJoin(crashTimeSecs)]);
  });

  it('ring ordering - partition {d1, d2} | {d3} then heal: each side sees TRANSITION and REG, the merge REG has two vs_sets and no TRANSITION', () => {
    const { ring, daemons } = startThree(MERGE_RING_TIME_SECS * 1000);
    const w1 = daemons.d1.connect('w1');
    const w2 = daemons.d2.connect('w2');
    const w3 = daemons.d3.connect('w3');
    joinInTurn(ring, 'pg', [[daemons.d1, w1], [daemons.d2, w2], [daemons.d3, w3]]);
    for (const watcher of [w1, w2, w3]) watcher.take();

    ring.partition(['d1', 'd2'], ['d3']);
    ring.runUntil(() => daemons.d1.settledWith(['d1', 'd2']) && daemons.d2.settledWith(['d1', 'd2']) && daemons.d3.settledWith(['d3']), 'both sides settled');
    const sideTimeSecs = daemons.d1.ordering.view.timeSecs;
    for (const watcher of [w1, w2]) expect(watcher.takeFrames()).toEqual([partitionTransition(), partitionNetwork(sideTimeSecs)]);
    const alone = w3.take();
    expect(alone.map((m) => m.header.type)).toEqual([ServiceType.TRANSITION, ServiceType.REG_MEMB | ServiceType.CAUSED_BY_NETWORK]);
    expect(decodeMembershipBody(alone[1]!.data)).toEqual({
      groupId: { procId: PROC_IDS.d3, time: daemons.d3.ordering.view.timeSecs, index: 1 },
      vsSets: [['#w3#d3']],
      localVsSetOffset: 0,
    });

    ring.heal();
    ring.runUntil(() => Object.values(daemons).every((d) => d.settledWith(SEGMENT)), 'the merged configuration');
    const mergeTimeSecs = daemons.d1.ordering.view.timeSecs;
    expect(w1.takeFrames()).toEqual([mergeNetwork(mergeTimeSecs, 36)]);
    expect(w2.takeFrames()).toEqual([mergeNetwork(mergeTimeSecs, 36)]);
    expect(w3.takeFrames()).toEqual([mergeNetwork(mergeTimeSecs, 0)]);
  });

  it('ring ordering - leave and disconnect on d2 reach the members on d1 and d3; only the leaver gets the self-leave', () => {
    const { ring, daemons } = startThree(CRASH_RING_TIME_SECS * 1000);
    const a = daemons.d1.connect('a');
    const b = daemons.d2.connect('b');
    const c = daemons.d3.connect('c');
    joinInTurn(ring, 'g', [[daemons.d1, a], [daemons.d2, b], [daemons.d3, c]]);
    for (const session of [a, b, c]) session.take();

    daemons.d2.leave(b, 'g');
    ring.runUntil(() => a.unread === 1 && b.unread === 1 && c.unread === 1, 'the leave');
    expect(b.take()[0]!.header.type).toBe(ServiceType.CAUSED_BY_LEAVE);
    for (const member of [a, c]) {
      const [notice] = member.take();
      expect(notice!.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_LEAVE);
      expect(notice!.groups).toEqual(['#a#d1', '#c#d3']);
      expect(decodeMembershipBody(notice!.data).vsSets).toEqual([['#b#d2']]);
    }
    daemons.d3.disconnect(c);
    ring.runUntil(() => a.unread === 1, 'the disconnect');
    expect(a.take()[0]!.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_DISCONNECT);
    expect(daemons.d3.freed).toEqual(['#c#d3']);
  });

  it('ring ordering - malformed and foreign payloads from a peer are counted and dropped at every daemon; ordering goes on', () => {
    const { ring, daemons } = startThree(CRASH_RING_TIME_SECS * 1000);
    const member = daemons.d1.connect('m');
    daemons.d1.join(member, 'g');
    ring.runUntil(() => member.unread === 1, 'the join');
    member.take();
    const frame = encodeMessage({ type: AGREED, sender: '#m#d1', groups: ['g'], hint: 0x80000080, data: Buffer.from('spoofed') });
    const garbage = [
      Buffer.from([]),
      Buffer.from([0xff, 1]),
      Buffer.from([1, 99]),
      Buffer.from([1, 2, 20, 0x23]),
      encodeRingPayload({ kind: 'join', member: '#x#d1', group: 'g' }),
      encodeRingPayload({ kind: 'multicast', sender: '#m#d1', service: AGREED, selfDiscard: false, groups: ['g'], frame }),
      Buffer.concat([Buffer.from([1, 1]), frame.subarray(0, 60)]),
    ];
    const d2 = ring.node('d2')!;
    for (const bytes of garbage) d2.submit(bytes, false, ring.nowMs());
    const sender = daemons.d2.connect('s');
    daemons.d2.send(sender, AGREED, ['g'], 'after the garbage');
    ring.flush('d2');
    ring.runUntil(() => member.unread === 1, 'the good message');
    expect(member.take().map(text)).toEqual(['after the garbage']);
    for (const daemon of Object.values(daemons)) {
      expect(daemon.ordering.counters.payloadsDropped).toEqual({
        RL_DAEMON_RING_PAYLOAD_TRUNCATED: 3,
        RL_DAEMON_RING_PAYLOAD_UNKNOWN_KIND: 2,
        RL_DAEMON_RING_PAYLOAD_FOREIGN_MEMBER: 2,
      });
    }
  });
});

function membershipOfIndex(message: Message): number {
  return decodeMembershipBody(message.data).groupId.index;
}
