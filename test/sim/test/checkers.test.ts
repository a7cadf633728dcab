/**
 * The checkers must be able to fail: each test feeds the recorder a history that breaks one
 * invariant and expects that invariant's violation.
 */
import { describe, expect, it } from 'vitest';
import type { DataPacket, RingEvent, RingId } from '@ringlog/ring';
import { checkAgreedOrder, checkFifo, checkFinalRing, checkSelfDelivery, checkVirtualSynchrony } from '../src/checkers.ts';
import { Recorder } from '../src/recorder.ts';
import { makePayload } from '../src/sim-payload.ts';

const RING_A: RingId = { rep: 'd1', repIncarnation: 1, seq: 1 };
const RING_B: RingId = { rep: 'd1', repIncarnation: 1, seq: 2 };

function regular(ringId: RingId, members: string[]): RingEvent {
  return { kind: 'regular', ringId, members, incarnations: members.map(() => 1), previous: members.map(() => null) };
}

function message(id: string, origin = id.split('#')[0]!): RingEvent {
  return { kind: 'message', origin, safe: false, payload: makePayload(id, 40, 1000) };
}

function recorderWith(ids: { id: string; safe?: boolean; selfDiscard?: boolean }[]): Recorder {
  const recorder = new Recorder();
  for (const { id, safe = false, selfDiscard = false } of ids) {
    const [sender, counter] = id.split('.');
    recorder.sent.set(id, { id, sender: sender!, origin: sender!.split('#')[0]!, counter: Number(counter), service: safe ? 'SAFE' : 'AGREED', safe, selfDiscard, bytes: 40, fragments: 1 });
  }
  return recorder;
}

describe('simulator checkers', () => {
  it('agreed order: two members delivering in different orders', () => {
    const recorder = recorderWith([{ id: 'd1#1.1' }, { id: 'd2#1.1' }]);
    for (const key of ['d1#1', 'd2#1']) recorder.event(key, regular(RING_A, ['d1', 'd2']));
    recorder.event('d1#1', message('d1#1.1'));
    recorder.event('d1#1', message('d2#1.1'));
    recorder.event('d2#1', message('d2#1.1'));
    recorder.event('d2#1', message('d1#1.1'));
    checkAgreedOrder(recorder);
    expect(recorder.violations.join()).toMatch(/order differs in R:d1\/1\/1/);
  });

  it('duplicates, invented messages and wrong origins are caught as they are delivered', () => {
    const recorder = recorderWith([{ id: 'd1#1.1' }]);
    recorder.event('d1#1', regular(RING_A, ['d1']));
    recorder.event('d1#1', message('d1#1.1'));
    recorder.event('d1#1', message('d1#1.1'));
    recorder.event('d1#1', message('d9#1.1'));
    recorder.event('d1#1', message('d1#1.1', 'd2'));
    const text = recorder.violations.join('\n');
    expect(text).toMatch(/delivered d1#1.1 twice/);
    expect(text).toMatch(/nobody sent/);
    expect(text).toMatch(/from d2, sent by d1#1/);
  });

  it('SAFE: delivered before another member held it', () => {
    const recorder = recorderWith([{ id: 'd1#1.1', safe: true }]);
    for (const key of ['d1#1', 'd2#1']) recorder.event(key, regular(RING_A, ['d1', 'd2']));
    const packet: DataPacket = { kind: 'data', ringId: RING_A, seq: 1, origin: 'd1', entries: [{ safe: true, fragIndex: 0, fragCount: 1, payload: makePayload('d1#1.1', 40, 1000) }] };
    recorder.hold('d1#1', packet);
    recorder.event('d1#1', { ...message('d1#1.1'), safe: true } as RingEvent);
    expect(recorder.violations.join()).toMatch(/SAFE d1#1.1 .* before member d2#1 held all/);
    recorder.hold('d2#1', packet);
    const before = recorder.violations.length;
    recorder.event('d2#1', { ...message('d1#1.1'), safe: true } as RingEvent);
    expect(recorder.violations).toHaveLength(before);
  });

  it('virtual synchrony: members moving on together with different sets', () => {
    const recorder = recorderWith([{ id: 'd1#1.1' }]);
    for (const key of ['d1#1', 'd2#1']) recorder.event(key, regular(RING_A, ['d1', 'd2', 'd3']));
    recorder.event('d1#1', message('d1#1.1'));
    for (const key of ['d1#1', 'd2#1']) recorder.event(key, { kind: 'transitional', oldRingId: RING_A, newRingId: RING_B, members: ['d1', 'd2'] });
    checkVirtualSynchrony(recorder);
    expect(recorder.violations.join()).toMatch(/virtual synchrony: d2#1 and d1#1/);
  });

  it("FIFO: a sender's messages out of order", () => {
    const recorder = recorderWith([{ id: 'd1#1.1' }, { id: 'd1#1.2' }]);
    recorder.event('d2#1', regular(RING_A, ['d1', 'd2']));
    recorder.event('d2#1', message('d1#1.2'));
    recorder.event('d2#1', message('d1#1.1'));
    checkFifo(recorder);
    expect(recorder.violations.join()).toMatch(/FIFO: d2#1 delivered d1#1.1 after message 2/);
  });

  it('self delivery: a live sender that never got its own message, or got a SELF_DISCARD one', () => {
    const missing = recorderWith([{ id: 'd1#1.1' }]);
    missing.event('d1#1', regular(RING_A, ['d1']));
    checkSelfDelivery(missing, new Set(['d1#1']));
    expect(missing.violations.join()).toMatch(/never delivered its own d1#1.1/);
    const crashed = recorderWith([{ id: 'd1#1.1' }]);
    crashed.event('d1#1', regular(RING_A, ['d1']));
    checkSelfDelivery(crashed, new Set());
    expect(crashed.violations).toEqual([]);
  });

  it('final ring: live daemons that delivered different messages there', () => {
    const recorder = recorderWith([{ id: 'd1#1.1' }]);
    for (const key of ['d1#1', 'd2#1']) recorder.event(key, regular(RING_A, ['d1', 'd2']));
    recorder.event('d1#1', message('d1#1.1'));
    checkFinalRing(recorder, ['d1#1', 'd2#1'], 'R:d1/1/1');
    expect(recorder.violations.join()).toMatch(/final ring: d2#1 and d1#1/);
  });
});
