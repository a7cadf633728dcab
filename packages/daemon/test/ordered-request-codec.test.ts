/**
 * The ring payload codec: every request and group state survives the round trip, and bytes
 * a peer got wrong (cut, flipped, random, or speaking for another daemon's sessions) come
 * back as a RingPayloadError with a stable code, never as an exception.
 */
import { describe, expect, it } from 'vitest';
import { DaemonErrorCode, type GroupStateMessage, type OrderedRequest, RingPayloadError } from '@ringlog/daemon';
import { decodeRingPayload, encodeRingPayload, isSafePayload } from '@ringlog/daemon/internal';
import { encodeMessage, hintFromMessType, ServiceType } from '@ringlog/wire';
import { BASE_SEED, createPrng } from './support/prng.ts';

const frame = (type: number, groups: string[], data = 'payload'): Buffer =>
  encodeMessage({ type, sender: '#alice#d1', groups, hint: hintFromMessType(7), data: Buffer.from(data) });

const multicast = (service: number, selfDiscard = false): OrderedRequest => ({
  kind: 'multicast',
  sender: '#alice#d1',
  service,
  selfDiscard,
  groups: ['demo', '#bob#d2'],
  frame: frame(service | (selfDiscard ? ServiceType.SELF_DISCARD : 0), ['demo', '#bob#d2']),
});

const STATE: GroupStateMessage = {
  kind: 'group-state',
  ringId: { rep: 'd1', repIncarnation: 1_700_000_000_123, seq: 42 },
  daemon: 'd1',
  timeSecs: 1795308625,
  previousView: { procId: 0xfffffff0, timeSecs: 1795308593 },
  groups: [
    { name: 'pg', groupId: { procId: 1552775919, time: 1795308593, index: 1 }, changed: false, members: ['#w1#d1'] },
    { name: 'kg', groupId: { procId: 7, time: 8, index: 9 }, changed: true, members: ['#a#d1', '#b#d1'] },
  ],
};

const SAMPLES: readonly (OrderedRequest | GroupStateMessage)[] = [
  multicast(ServiceType.AGREED),
  multicast(ServiceType.SAFE, true),
  { kind: 'multicast', sender: '#alice#d1', service: ServiceType.FIFO, selfDiscard: false, groups: [], frame: frame(ServiceType.FIFO, [], '') },
  { kind: 'join', member: '#alice#d1', group: 'demo' },
  { kind: 'leave', member: '#alice#d1', group: '~$x' },
  { kind: 'disconnect', member: '#r1234-5#d1' },
  STATE,
  { ...STATE, previousView: null, groups: [] },
];

describe('ordered request codec', () => {
  it.each(SAMPLES.map((sample) => [sample.kind, sample] as const))('ordered request codec - %s survives the round trip', (_, sample) => {
    const decoded = decodeRingPayload(encodeRingPayload(sample), 'd1');
    expect(decoded).toEqual(sample);
  });

  it('ordered request codec - a multicast carries its frame alone, delivered as a view without copying', () => {
    const request = multicast(ServiceType.AGREED);
    const bytes = encodeRingPayload(request);
    expect(bytes.length).toBe(2 + (request as { frame: Buffer }).frame.length);
    const decoded = decodeRingPayload(bytes, 'd1') as Extract<OrderedRequest, { kind: 'multicast' }>;
    expect(decoded.frame.buffer).toBe(bytes.buffer);
  });

  it('ordered request codec - only SAFE multicasts travel SAFE; joins, leaves and disconnects travel AGREED', () => {
    expect(SAMPLES.map(isSafePayload)).toEqual([false, true, false, false, false, false, false, false]);
  });

  it.each([
    ['a join for another daemon', { kind: 'join', member: '#alice#d1', group: 'demo' }, DaemonErrorCode.RING_PAYLOAD_FOREIGN_MEMBER],
    ['a disconnect for another daemon', { kind: 'disconnect', member: '#alice#d3' }, DaemonErrorCode.RING_PAYLOAD_FOREIGN_MEMBER],
    ['a multicast sent as another daemon', multicast(ServiceType.AGREED), DaemonErrorCode.RING_PAYLOAD_FOREIGN_MEMBER],
    ["a group state in another daemon's name", { ...STATE, daemon: 'd3' }, DaemonErrorCode.RING_PAYLOAD_FOREIGN_MEMBER],
    ["a group state listing another daemon's member", { ...STATE, daemon: 'd2' }, DaemonErrorCode.RING_PAYLOAD_FOREIGN_MEMBER],
    ['a join of a private group', { kind: 'join', member: '#alice#d2', group: '#bob#d2' }, DaemonErrorCode.RING_PAYLOAD_BAD_NAME],
    ['a join by a name that is not a private group', { kind: 'join', member: 'alice', group: 'demo' }, DaemonErrorCode.RING_PAYLOAD_BAD_NAME],
  ] as const)('ordered request codec - %s from d2 is refused', (_, payload, code) => {
    const decoded = decodeRingPayload(encodeRingPayload(payload as OrderedRequest | GroupStateMessage), 'd2');
    expect(decoded).toBeInstanceOf(RingPayloadError);
    expect((decoded as RingPayloadError).code).toBe(code);
  });

  it.each([
    ['a frame of another service', frame(ServiceType.JOIN, ['demo']), DaemonErrorCode.RING_PAYLOAD_BAD_FRAME],
    ['a frame with two service bits', frame(ServiceType.AGREED | ServiceType.SAFE, ['demo']), DaemonErrorCode.RING_PAYLOAD_BAD_FRAME],
    ['a frame longer than its header says', Buffer.concat([frame(ServiceType.AGREED, ['demo']), Buffer.from('x')]), DaemonErrorCode.RING_PAYLOAD_TRUNCATED],
    ['a header alone', frame(ServiceType.AGREED, ['demo']).subarray(0, 47), DaemonErrorCode.RING_PAYLOAD_BAD_FRAME],
    ['a group slot without NUL', Buffer.concat([frame(ServiceType.AGREED, [], '').subarray(0, 36), Buffer.from([1, 0, 0, 0, 0x80, 0, 0, 0x80, 0, 0, 0, 0]), Buffer.alloc(32, 0x41)]), DaemonErrorCode.RING_PAYLOAD_BAD_NAME],
  ] as const)('ordered request codec - a multicast with %s is refused', (_, bad, code) => {
    const decoded = decodeRingPayload(Buffer.concat([Buffer.from([1, 1]), bad]), 'd1');
    expect((decoded as RingPayloadError).code).toBe(code);
  });

  it('ordered request codec - every cut of every sample, and seeded random bytes, decode to a value or a RingPayloadError', () => {
    const prng = createPrng(BASE_SEED);
    for (const sample of SAMPLES) {
      const bytes = encodeRingPayload(sample);
      for (let cut = 0; cut < bytes.length; cut++) {
        const decoded = decodeRingPayload(bytes.subarray(0, cut), 'd1');
        expect(decoded, `${sample.kind} cut at ${cut} (seed ${prng.seed})`).toBeInstanceOf(RingPayloadError);
      }
      for (let i = 0; i < 200; i++) {
        const flipped = Buffer.from(bytes);
        flipped[prng.int(flipped.length)] = prng.int(256);
        expect(() => decodeRingPayload(flipped, 'd1'), `seed ${prng.seed}`).not.toThrow();
      }
    }
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.concat([Buffer.from([1, prng.int(6)]), prng.bytes(prng.int(64))]);
      expect(() => decodeRingPayload(bytes, 'd1'), `seed ${prng.seed}`).not.toThrow();
    }
  });

  it('ordered request codec - a hostile group count is refused before anything is allocated for it', () => {
    const bytes = encodeRingPayload({ ...STATE, groups: [] });
    bytes.writeUInt32LE(0xffffffff, bytes.length - 4);
    expect((decodeRingPayload(bytes, 'd1') as RingPayloadError).code).toBe(DaemonErrorCode.RING_PAYLOAD_TRUNCATED);
  });
});
