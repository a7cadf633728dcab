import { describe, expect, it } from 'vitest';
import { RING_TIMEOUTS_DEFAULT_MS, RingNode } from '../src/index.ts';
import { MiniRing } from './support/mini-ring.ts';

const THREE = ['d1', 'd2', 'd3'];

function lastRegular(ring: MiniRing, name: string) {
  const regular = ring.configurations(name).filter((event) => event.kind === 'regular');
  return regular.at(-1);
}

describe('RingNode', () => {
  it('daemons that start together form one ring', () => {
    const ring = new MiniRing(THREE);
    ring.run(2000);
    for (const name of THREE) {
      expect(ring.nodes.get(name)!.phase).toBe('operational');
      const regular = lastRegular(ring, name);
      expect(regular?.kind === 'regular' && regular.members).toEqual(THREE);
    }
  });

  it('delivers every message to every daemon in one agreed order', () => {
    const ring = new MiniRing(THREE);
    ring.run(2000);
    for (let index = 0; index < 300; index += 1) ring.submit(THREE[index % 3]!, `m${index}`, index % 7 === 0);
    ring.run(1000);
    const first = ring.messages('d1');
    expect(first).toHaveLength(300);
    expect(ring.messages('d2')).toEqual(first);
    expect(ring.messages('d3')).toEqual(first);
    // Each sender's messages keep their order (FIFO).
    const fromD2 = first.filter((text) => Number(text.slice(1)) % 3 === 1);
    expect(fromD2).toEqual([...fromD2].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
  });

  it('holds a SAFE message until every member holds it', () => {
    const ring = new MiniRing(THREE);
    ring.run(2000);
    let blockD3 = true;
    ring.drop = (packet, to) => blockD3 && to === 'd3' && packet.kind === 'data';
    ring.submit('d1', 'safe-one', true);
    ring.run(50);
    // d3 lacks the packet, so nobody may deliver it yet; d1 and d2 hold it.
    expect(ring.messages('d1')).toEqual([]);
    expect(ring.messages('d2')).toEqual([]);
    blockD3 = false;
    ring.run(200);
    for (const name of THREE) expect(ring.messages(name)).toEqual(['safe-one']);
  });

  it('re-sends a lost packet that the token reports missing', () => {
    const ring = new MiniRing(THREE);
    ring.run(2000);
    let dropped = 0;
    ring.drop = (packet, to) => {
      if (packet.kind !== 'data' || to !== 'd2' || dropped === 3) return false;
      dropped += 1;
      return true;
    };
    for (let index = 0; index < 5; index += 1) ring.submit('d1', `r${index}`);
    ring.run(200);
    expect(dropped).toBe(3);
    expect(ring.messages('d2')).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    const retransmitted = THREE.reduce((sum, name) => sum + ring.nodes.get(name)!.stats.packetsRetransmitted, 0);
    expect(retransmitted).toBeGreaterThan(0);
  });

  it('fragments a message larger than a packet and reassembles it', () => {
    const ring = new MiniRing(THREE, { packetBytes: 300 });
    ring.run(2000);
    const big = 'x'.repeat(2000);
    ring.submit('d2', big);
    ring.submit('d3', 'small');
    ring.run(200);
    for (const name of THREE) expect(ring.messages(name).sort()).toEqual([big, 'small'].sort());
  });

  it('after a crash the others get a transitional, then a regular configuration without it', () => {
    const ring = new MiniRing(THREE);
    ring.run(2000);
    ring.submit('d1', 'before');
    ring.run(100);
    ring.crash('d3');
    ring.submit('d2', 'during');
    ring.run(3000);
    for (const name of ['d1', 'd2']) {
      const changes = ring.configurations(name).slice(-2);
      expect(changes[0]).toMatchObject({ kind: 'transitional', members: ['d1', 'd2'] });
      expect(changes[1]).toMatchObject({ kind: 'regular', members: ['d1', 'd2'] });
      expect(ring.messages(name)).toEqual(['before', 'during']);
    }
  });

  it('a restarted daemon (lost state, new incarnation) merges back', () => {
    const ring = new MiniRing(THREE);
    ring.run(2000);
    ring.crash('d2');
    ring.run(3000);
    ring.start('d2', 2);
    ring.run(3000);
    for (const name of THREE) {
      const regular = lastRegular(ring, name);
      expect(regular).toMatchObject({ kind: 'regular', members: THREE, incarnations: [1, 2, 1] });
    }
  });

  it('is deterministic: the same inputs give the same outputs', () => {
    const runOnce = (): string => {
      const ring = new MiniRing(THREE);
      ring.run(1500);
      for (let index = 0; index < 50; index += 1) ring.submit(THREE[index % 3]!, `m${index}`);
      ring.run(500);
      return JSON.stringify(THREE.map((name) => ring.events.get(name)));
    };
    expect(runOnce()).toBe(runOnce());
  });

  it('refuses a daemon that is not in its own segment', () => {
    const options = { name: 'x', incarnation: 1, segment: THREE, timeouts: RING_TIMEOUTS_DEFAULT_MS, packetBytes: 1400, personalWindowPackets: 8, globalWindowPackets: 64, idleTokenHoldMs: 5 };
    expect(() => new RingNode(options, 0)).toThrow(/not in its own segment/);
  });

  it('alone, a daemon forms a ring of one and delivers its own messages', () => {
    const ring = new MiniRing(['solo']);
    ring.run(500);
    ring.submit('solo', 'hello', true);
    ring.run(100);
    expect(ring.messages('solo')).toEqual(['hello']);
  });
});

describe('RingNode against a well-authenticated but wrong peer', () => {
  it('drops a token whose per-member arrays do not fit the ring, and counts it', () => {
    const ring = new MiniRing(THREE);
    ring.run(2000);
    const d2 = ring.nodes.get('d2')!;
    const installed = d2.installedRing!;
    const before = d2.stats.tokenVisits;
    d2.receive({ kind: 'token', ringId: installed.id, hop: 1e9, sender: 'd1', seq: 1e6, arus: [1e6], rtr: [], backlog: 0, recovered: [true], installSeq: -1 }, ring.nowMs);
    expect(d2.stats.malformedPackets).toBe(1);
    expect(d2.stats.tokenVisits).toBe(before);
    ring.run(500);
    expect(d2.phase).toBe('operational');
  });

  it('drops a commit token whose lists disagree in length', () => {
    const ring = new MiniRing(THREE);
    ring.run(2000);
    const d3 = ring.nodes.get('d3')!;
    d3.receive({ kind: 'commit', ringId: { rep: 'd1', repIncarnation: 1, seq: 99 }, hop: 1, sender: 'd1', members: THREE, incarnations: [1, 1], infos: [null, null, null], rotation: 1 }, ring.nowMs);
    expect(d3.stats.malformedPackets).toBe(1);
    expect(d3.phase).toBe('operational');
  });
});
