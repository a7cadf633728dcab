/**
 * The group state exchange, driven event by event through a scripted RingPort: what is held
 * back and when it is released, stale and stray states, an exchange cut short by a further
 * network change, the agreed configuration time, and the vs_set order rule.
 */
import { describe, expect, it } from 'vitest';
import { type Delivered, type GroupStateMessage, type OrderedRequest, RingOrdering, type RingPort } from '@ringlog/daemon';
import { computeNetworkGroups, decodeRingPayload, Delivery, type DeliveryTarget, encodeRingPayload, GroupTable } from '@ringlog/daemon/internal';
import { decodeMembershipBody, decodeMessage, ServiceType } from '@ringlog/wire';
import type { RingEvent, RingId } from '@ringlog/ring';
import { PROC_IDS, procIdOf } from './support/ring-daemons.ts';

const SEGMENT = ['d1', 'd2', 'd3'];
const OLD: RingId = { rep: 'd1', repIncarnation: 1, seq: 1 };
const NEW: RingId = { rep: 'd1', repIncarnation: 1, seq: 2 };
const NEXT: RingId = { rep: 'd1', repIncarnation: 1, seq: 3 };

class ScriptedPort implements RingPort {
  readonly submitted: { payload: Uint8Array; safe: boolean; first: boolean }[] = [];
  #handler: ((event: RingEvent) => void) | null = null;

  submit(payload: Uint8Array, safe: boolean): void {
    this.submitted.push({ payload, safe, first: false });
  }

  submitFirst(payload: Uint8Array, safe: boolean): void {
    this.submitted.push({ payload, safe, first: true });
  }

  onEvent(handler: (event: RingEvent) => void): void {
    this.#handler = handler;
  }

  close(): void {}

  emit(event: RingEvent): void {
    this.#handler?.(event);
  }

  message(origin: string, payload: OrderedRequest | GroupStateMessage): void {
    this.emit({ kind: 'message', origin, safe: false, payload: encodeRingPayload(payload) });
  }
}

function state(daemon: string, ringId: RingId, timeSecs: number, groups: GroupStateMessage['groups'] = []): GroupStateMessage {
  return { kind: 'group-state', ringId, daemon, timeSecs, previousView: null, groups };
}

function scripted(nowMs = 1_000_000_000_000): { port: ScriptedPort; ordering: RingOrdering; delivered: Delivered[] } {
  const port = new ScriptedPort();
  const ordering = new RingOrdering({ daemonName: 'd2', segmentDaemons: SEGMENT, procIdOf, nowMs: () => nowMs, port });
  const delivered: Delivered[] = [];
  ordering.onDeliver((d) => delivered.push(d));
  return { port, ordering, delivered };
}

const JOIN_D3: OrderedRequest = { kind: 'join', member: '#c#d3', group: 'g' };
const JOIN_D1: OrderedRequest = { kind: 'join', member: '#a#d1', group: 'g' };

describe('ring ordering - group state exchange', () => {
  it('ring ordering - a regular configuration sends this daemon\'s state first and holds requests until every state is in', () => {
    const { port, ordering, delivered } = scripted();
    port.emit({ kind: 'regular', ringId: NEW, members: ['d3', 'd1', 'd2'], incarnations: [1, 1, 1], previous: [null, null, null] });
    expect(port.submitted).toHaveLength(1);
    expect(port.submitted[0]!.first).toBe(true);
    expect(decodeRingPayload(port.submitted[0]!.payload, 'd2')).toEqual({ ...state('d2', NEW, 1_000_000_000), groups: [] });
    expect(ordering.exchanging).toBe(true);

    port.message('d3', JOIN_D3);
    port.message('d2', state('d2', NEW, 1_000_000_000));
    port.message('d1', JOIN_D1);
    port.message('d3', state('d3', NEW, 1_000_000_007));
    expect(delivered).toEqual([]);
    port.message('d1', state('d1', NEW, 1_000_000_003));
    expect(delivered.map((d) => d.kind)).toEqual(['network', 'join', 'join']);
    expect(delivered[0]).toMatchObject({ complete: true, daemons: ['d1', 'd2', 'd3'], states: [{ daemon: 'd1' }, { daemon: 'd2' }, { daemon: 'd3' }] });
    expect(delivered.slice(1)).toEqual([JOIN_D3, JOIN_D1]);
    expect(ordering.view).toEqual({ procId: PROC_IDS.d1, timeSecs: 1_000_000_003, daemons: SEGMENT });
    expect(ordering.members).toEqual(['d1', 'd2', 'd3']);

    port.message('d1', JOIN_D1);
    expect(delivered.at(-1)).toEqual(JOIN_D1);
  });

  it('ring ordering - states of another configuration, of a non-member, or sent twice are ignored and counted', () => {
    const { port, ordering, delivered } = scripted();
    port.emit({ kind: 'regular', ringId: NEW, members: ['d1', 'd2'], incarnations: [1, 1], previous: [OLD, OLD] });
    port.message('d1', state('d1', OLD, 5));
    port.message('d3', state('d3', NEW, 5));
    port.message('d2', state('d2', NEW, 5));
    port.message('d2', state('d2', NEW, 6));
    expect(ordering.counters.statesIgnored).toBe(3);
    expect(delivered).toEqual([]);
    port.message('d1', state('d1', NEW, 9));
    expect(delivered).toHaveLength(1);
    port.message('d1', state('d1', NEW, 9));
    expect(ordering.counters.statesIgnored).toBe(4);
  });

  it('ring ordering - a network change mid-exchange delivers the states received, then the held requests, then the transitional configuration', () => {
    const { port, ordering, delivered } = scripted();
    port.emit({ kind: 'regular', ringId: NEW, members: ['d1', 'd2', 'd3'], incarnations: [1, 1, 1], previous: [OLD, OLD, OLD] });
    port.message('d2', state('d2', NEW, 41));
    port.message('d3', state('d3', NEW, 44));
    port.message('d3', JOIN_D3);
    port.emit({ kind: 'transitional', oldRingId: NEW, newRingId: NEXT, members: ['d2', 'd3'] });
    expect(delivered.map((d) => d.kind)).toEqual(['network', 'join', 'transitional']);
    expect(delivered[0]).toMatchObject({ complete: false, states: [{ daemon: 'd2' }, { daemon: 'd3' }] });
    expect(delivered[2]).toEqual({ kind: 'transitional', daemons: ['d2', 'd3'] });
    // The representative's state never came: the latest time received stands in for it.
    expect(ordering.view.timeSecs).toBe(44);
    expect(ordering.counters.exchangesCutShort).toBe(1);

    port.emit({ kind: 'regular', ringId: NEXT, members: ['d2', 'd3'], incarnations: [1, 1], previous: [NEW, NEW] });
    expect(decodeRingPayload(port.submitted[1]!.payload, 'd2')).toMatchObject({ ringId: NEXT, timeSecs: 1_000_000_000, previousView: { procId: PROC_IDS.d1, timeSecs: 44 } });
  });

  it('ring ordering - consecutive configurations in one second still get distinct times', () => {
    const { port } = scripted(1_000_000_000_500);
    port.emit({ kind: 'regular', ringId: NEW, members: ['d2'], incarnations: [1], previous: [null] });
    port.message('d2', state('d2', NEW, 1_000_000_000));
    port.emit({ kind: 'transitional', oldRingId: NEW, newRingId: NEXT, members: ['d2'] });
    port.emit({ kind: 'regular', ringId: NEXT, members: ['d2'], incarnations: [1], previous: [NEW] });
    expect((decodeRingPayload(port.submitted[1]!.payload, 'd2') as GroupStateMessage).timeSecs).toBe(1_000_000_001);
  });

  it('ring ordering - garbage from a peer is counted and dropped, also mid-exchange', () => {
    const { port, ordering, delivered } = scripted();
    port.emit({ kind: 'message', origin: 'd1', safe: false, payload: new Uint8Array([1, 42]) });
    port.emit({ kind: 'regular', ringId: NEW, members: ['d2'], incarnations: [1], previous: [null] });
    port.emit({ kind: 'message', origin: 'd1', safe: false, payload: new Uint8Array([]) });
    port.message('d2', state('d2', NEW, 1));
    expect(delivered.map((d) => d.kind)).toEqual(['network']);
    expect(ordering.counters.payloadsDropped).toEqual({ RL_DAEMON_RING_PAYLOAD_UNKNOWN_KIND: 1, RL_DAEMON_RING_PAYLOAD_TRUNCATED: 1 });
  });

  it('ring ordering - requests are submitted SAFE only for SAFE multicasts', () => {
    const { port, ordering } = scripted();
    ordering.submit({ kind: 'join', member: '#b#d2', group: 'g' });
    ordering.submit({ kind: 'multicast', sender: '#b#d2', service: ServiceType.SAFE, selfDiscard: false, groups: [], frame: Buffer.from('a0000080' + '00'.repeat(44), 'hex') });
    expect(port.submitted.map((s) => [s.safe, s.first])).toEqual([[false, false], [true, false]]);
    ordering.close();
    ordering.submit({ kind: 'join', member: '#b#d2', group: 'g' });
    expect(port.submitted).toHaveLength(2);
  });
});

describe('ring ordering - network membership', () => {
  const view = { procId: PROC_IDS.d1, timeSecs: 500, daemons: SEGMENT };
  const entry = (members: string[], changed = false) => ({ name: 'g', groupId: { procId: 9, time: 9, index: 4 }, changed, members });

  it('ring ordering - vs_sets follow the previous configuration ids: proc id as signed 32 bits, then time; fresh daemons last', () => {
    const states: GroupStateMessage[] = [
      { ...state('d1', NEW, 500, [entry(['#a#d1'])]), previousView: { procId: 0x7000_0000, timeSecs: 10 } },
      { ...state('d2', NEW, 500, [entry(['#b#d2'])]), previousView: { procId: 0x9000_0000, timeSecs: 10 } },
      { ...state('d3', NEW, 500, [entry(['#c#d3'])]), previousView: null },
    ];
    const result = computeNetworkGroups(
      { kind: 'network', complete: true, daemons: SEGMENT, sources: [OLD, NEXT, null], states },
      new GroupTable(),
      view,
      'd1',
    );
    // 0x90000000 is negative as a signed int32, so d2's set comes before d1's.
    expect(result.announcements[0]).toMatchObject({ vsSets: [['#b#d2'], ['#a#d1'], ['#c#d3']], localSetIndex: 1 });
    expect(result.groups[0]).toMatchObject({ procId: PROC_IDS.d1, timeSecs: 500, index: 1 });
  });

  it('ring ordering - a group from one previous configuration that nobody reports changed keeps its id and is not announced', () => {
    const states = [state('d1', NEW, 500, [entry(['#a#d1'])]), state('d2', NEW, 500, [entry(['#b#d2'])]), state('d3', NEW, 500)];
    const result = computeNetworkGroups({ kind: 'network', complete: true, daemons: SEGMENT, sources: [OLD, OLD, null], states }, new GroupTable(), view, 'd1');
    expect(result.announcements).toEqual([]);
    expect(result.groups[0]).toMatchObject({ procId: 9, timeSecs: 9, index: 4 });
    const flagged = [state('d1', NEW, 500, [entry(['#a#d1'])]), state('d2', NEW, 500, [entry(['#b#d2'], true)])];
    const changed = computeNetworkGroups({ kind: 'network', complete: true, daemons: ['d1', 'd2'], sources: [OLD, OLD], states: flagged }, new GroupTable(), view, 'd1');
    expect(changed.announcements[0]).toMatchObject({ vsSets: [['#a#d1', '#b#d2']], localSetIndex: 0 });
  });

  it('ring ordering - a TRANSITION stays open across a cut-short exchange: no second TRANSITION, and the REG comes with the next complete one', () => {
    let current = { procId: 1, timeSecs: 100, daemons: SEGMENT };
    const frames: Buffer[] = [];
    const session: DeliveryTarget = { wantsMembership: true, deliver: (frame) => frames.push(frame) };
    const delivery = new Delivery({ find: (g) => (g === '#a#d1' ? session : undefined), daemonIndex: 0, disconnected: () => undefined }, () => current);
    delivery.apply({ kind: 'join', member: '#a#d1', group: 'g' });
    delivery.apply({ kind: 'join', member: '#b#d2', group: 'g' });
    delivery.apply({ kind: 'join', member: '#c#d3', group: 'g' });
    frames.length = 0;

    delivery.apply({ kind: 'transitional', daemons: ['d1', 'd2'] });
    expect(frames.map((f) => decodeMessage(f, true).header.type)).toEqual([ServiceType.TRANSITION]);
    expect(delivery.localGroupState(['d1', 'd2'])).toEqual([{ name: 'g', groupId: { procId: 1, time: 100, index: 3 }, changed: true, members: ['#a#d1'] }]);
    current = { procId: 1, timeSecs: 101, daemons: SEGMENT };
    delivery.apply({ kind: 'network', complete: false, daemons: ['d1', 'd2'], sources: [OLD, OLD], states: [state('d1', NEW, 101, delivery.localGroupState(['d1', 'd2']))] });
    delivery.apply({ kind: 'transitional', daemons: ['d1'] });
    expect(frames).toHaveLength(1);
    expect(delivery.groups.get('g')?.members.map((m) => m.privateGroup)).toEqual(['#a#d1']);

    current = { procId: 1, timeSecs: 102, daemons: SEGMENT };
    const mine = delivery.localGroupState(['d1']);
    expect(mine[0]?.changed).toBe(true);
    delivery.apply({ kind: 'network', complete: true, daemons: ['d1'], sources: [NEW], states: [state('d1', NEXT, 102, mine)] });
    const reg = decodeMessage(frames[1]!, true);
    expect(reg.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_NETWORK);
    expect(reg.groups).toEqual(['#a#d1']);
    expect(decodeMembershipBody(reg.data)).toEqual({ groupId: { procId: 1, time: 102, index: 1 }, vsSets: [['#a#d1']], localVsSetOffset: 0 });
    expect(delivery.localGroupState(['d1'])[0]?.changed).toBe(false);
  });
});
