import { describe, expect, it } from 'vitest';
import { ServiceType, WireProtocolError, decodeMessage, encodeMembershipBody, encodeMessage, hintFromMessType } from '@ringlog/wire';
import { decodeEvent } from '../src/index.ts';

const ME = '#alice#localhost';
const GID = { procId: 482711334, time: 1795305806, index: 2 };

function frame(fields: Parameters<typeof encodeMessage>[0]) {
  return decodeMessage(encodeMessage(fields), true);
}

describe('decodeEvent', () => {
  it('events - SAFE data message as captured', () => {
    const event = decodeEvent(frame({ type: ServiceType.SAFE, sender: ME, groups: ['demo'], hint: hintFromMessType(1), data: Buffer.from('hello from alice\n') }), ME);
    expect(event).toMatchObject({ type: 'message', service: 'SAFE', sender: ME, groups: ['demo'], messType: 1, endianMismatch: false, selfDiscard: false });
    if (event instanceof WireProtocolError || event.type !== 'message') throw new Error('not a message');
    expect(event.data.toString()).toBe('hello from alice\n');
  });

  it('events - self discard, big-endian sender hint and signed mess_type', () => {
    const bigEndianHint = ((0x1234 << 8) & 0x00ffff00) >>> 0; // no marker: a big-endian sender's bytes read as LE
    const swapped = Buffer.alloc(4);
    swapped.writeUInt32BE(bigEndianHint);
    const event = decodeEvent(frame({ type: ServiceType.AGREED | ServiceType.SELF_DISCARD, sender: '#rawa#localhost', groups: ['demo', 'other'], hint: swapped.readUInt32LE(), data: Buffer.alloc(0) }), ME);
    expect(event).toMatchObject({ service: 'AGREED', selfDiscard: true, endianMismatch: true, messType: 0x1234 });
    const negative = decodeEvent(frame({ type: ServiceType.FIFO, sender: ME, groups: ['g'], hint: hintFromMessType(0xffff) }), ME);
    expect(negative).toMatchObject({ messType: -1 });
  });

  it('events - regular membership caused by join', () => {
    const data = encodeMembershipBody({ groupId: GID, vsSets: [[ME]], localVsSetOffset: 0 });
    const event = decodeEvent(frame({ type: ServiceType.REG_MEMB | ServiceType.CAUSED_BY_JOIN, sender: 'demo', groups: [ME, '#bob#localhost'], hint: hintFromMessType(0), data }), ME);
    expect(event).toEqual({
      type: 'membership',
      group: 'demo',
      cause: 'join',
      members: [ME, '#bob#localhost'],
      groupId: GID,
      vsSets: [[ME]],
      localVsSetOffset: 0,
      localVsSetIndex: 0,
      changedMember: ME,
      myIndex: 0,
      serviceType: 0x1100,
    });
  });

  it('events - network membership with two vs sets, local one second', () => {
    const vsSets = [['#w3#d3'], ['#w1#d1', '#w2#d2']];
    const data = encodeMembershipBody({ groupId: GID, vsSets, localVsSetOffset: 36 });
    const event = decodeEvent(frame({ type: ServiceType.REG_MEMB | ServiceType.CAUSED_BY_NETWORK, sender: 'g', groups: ['#w1#d1', '#w2#d2', '#w3#d3'], hint: hintFromMessType(0), data }), '#w2#d2');
    expect(event).toMatchObject({ cause: 'network', vsSets, localVsSetOffset: 36, localVsSetIndex: 1, changedMember: null, myIndex: 1 });
  });

  it('events - transition, self-leave, reject and unknown', () => {
    const transition = decodeEvent(frame({ type: ServiceType.TRANSITION, sender: 'g', groups: [], hint: hintFromMessType(0), data: encodeMembershipBody({ groupId: GID, vsSets: [], localVsSetOffset: 0 }).subarray(0, 12) }), ME);
    expect(transition).toEqual({ type: 'transition', group: 'g', groupId: GID });
    expect(decodeEvent(frame({ type: ServiceType.CAUSED_BY_LEAVE, sender: 'demo', groups: [], hint: hintFromMessType(0) }), ME)).toEqual({ type: 'self-leave', group: 'demo' });
    const reject = decodeEvent(frame({ type: ServiceType.REJECT, sender: ME, groups: ['g', ME], hint: hintFromMessType(7), oldType: ServiceType.AGREED, data: Buffer.from('x') }), ME);
    expect(reject).toMatchObject({ type: 'reject', oldType: 0x10, service: 'AGREED', groups: ['g', ME], messType: 7 });
    expect(decodeEvent(frame({ type: ServiceType.REG_MEMB, sender: 'g', groups: [], hint: 0x80000080 }), ME)).toMatchObject({ type: 'unknown', serviceType: 0x1000 });
  });

  it('events - truncated membership body is a protocol error', () => {
    const event = decodeEvent(frame({ type: ServiceType.REG_MEMB | ServiceType.CAUSED_BY_JOIN, sender: 'demo', groups: [ME], hint: 0x80000080, data: Buffer.alloc(16) }), ME);
    expect(event).toBeInstanceOf(WireProtocolError);
  });
});
