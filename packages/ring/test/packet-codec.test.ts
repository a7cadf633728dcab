/**
 * Round trips of every packet kind and shape, the byte layout of one packet pinned by hand,
 * canonical re-encoding, and the encoder refusing what the format cannot carry.
 * Randomized cases print their seed; rerun one with RINGLOG_TEST_SEED.
 */
import { describe, expect, it } from 'vitest';
import { RingErrorCode, RingPacketError } from '../src/errors.ts';
import { DATA_PACKET_HEADER_MAX_BYTES, decodeRingPacket, encodeRingPacket, ENTRY_HEADER_BYTES } from '../src/packet-codec.ts';
import type { CommitPacket, DataPacket, RingPacket, TokenPacket } from '../src/packets.ts';
import { COMMIT_SAMPLES, DATA_SAMPLES, entry, JOIN_SAMPLES, plain, PROBE_SAMPLES, randomPacket, TOKEN_ACK_SAMPLES, TOKEN_SAMPLES } from './support/packets.ts';
import { caseSeed, createPrng } from './support/prng.ts';

function roundTrip(packet: RingPacket): RingPacket {
  return decodeRingPacket(encodeRingPacket(packet));
}

function expectEncodeError(packet: unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    encodeRingPacket(packet as RingPacket);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(RingPacketError);
  expect((caught as RingPacketError).code).toBe(RingErrorCode.ENCODE_INVALID);
  expect((caught as RingPacketError).message).toMatch(pattern);
}

describe('packet-codec - round trip', () => {
  const groups: [string, readonly RingPacket[]][] = [
    ['data', DATA_SAMPLES],
    ['token', TOKEN_SAMPLES],
    ['token-ack', TOKEN_ACK_SAMPLES],
    ['join', JOIN_SAMPLES],
    ['commit', COMMIT_SAMPLES],
    ['probe', PROBE_SAMPLES],
  ];

  it.each(groups)('packet-codec - every %s sample comes back equal', (_kind, samples) => {
    for (const packet of samples) expect(roundTrip(packet)).toEqual(plain(packet));
  });

  it('packet-codec - `old` absent stays absent, present comes back', () => {
    const [fresh, , , recovered] = DATA_SAMPLES as [DataPacket, DataPacket, DataPacket, DataPacket];
    expect('old' in roundTrip(fresh)).toBe(false);
    expect((roundTrip(recovered) as DataPacket).old).toEqual(recovered.old);
  });

  it('packet-codec - decoded payloads are views into the input, not copies', () => {
    const bytes = encodeRingPacket(DATA_SAMPLES[0] as DataPacket);
    const decoded = decodeRingPacket(bytes) as DataPacket;
    const payload = decoded.entries[0]?.payload as Uint8Array;
    expect(Buffer.from(payload).toString()).toBe('hello');
    expect(payload.buffer).toBe(bytes.buffer);
    bytes[bytes.length - 1] = 0x21;
    expect(Buffer.from(payload).toString()).toBe('hell!');
  });

  it('packet-codec - decodes from a Uint8Array at a non-zero byteOffset', () => {
    const encoded = encodeRingPacket(COMMIT_SAMPLES[1] as CommitPacket);
    const backing = new Uint8Array(encoded.length + 11);
    backing.set(encoded, 5);
    expect(decodeRingPacket(backing.subarray(5, 5 + encoded.length))).toEqual(COMMIT_SAMPLES[1]);
  });

  it('packet-codec - 3000 seeded random packets round trip and re-encode to the same bytes', () => {
    for (let run = 0; run < 3000; run++) {
      const prng = createPrng(caseSeed(run));
      const packet = randomPacket(prng);
      const bytes = encodeRingPacket(packet);
      const decoded = decodeRingPacket(bytes);
      expect(decoded, `seed ${prng.seed}`).toEqual(plain(packet));
      expect(encodeRingPacket(decoded).equals(bytes), `seed ${prng.seed}`).toBe(true);
    }
  });

  it('packet-codec - -0 is encoded as 0', () => {
    const token = { ...(TOKEN_SAMPLES[0] as TokenPacket), seq: -0 };
    expect(Object.is((roundTrip(token) as TokenPacket).seq, 0)).toBe(true);
  });
});

describe('packet-codec - layout', () => {
  it('packet-codec - a token-ack is tag, ring id, hop, sender, big-endian', () => {
    const bytes = encodeRingPacket({ kind: 'token-ack', ringId: { rep: 'ab', repIncarnation: 1, seq: 2 }, hop: 3, sender: 'c' });
    const expected = Buffer.concat([
      Buffer.from([3, 2]),
      Buffer.from('ab'),
      Buffer.from('3ff0000000000000', 'hex'),
      Buffer.from('4000000000000000', 'hex'),
      Buffer.from('4008000000000000', 'hex'),
      Buffer.from([1]),
      Buffer.from('c'),
    ]);
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
  });

  it('packet-codec - an entry costs ENTRY_HEADER_BYTES plus its payload, within the packer budget', () => {
    const one = encodeRingPacket({ ...(DATA_SAMPLES[0] as DataPacket), entries: [entry('')] });
    const two = encodeRingPacket({ ...(DATA_SAMPLES[0] as DataPacket), entries: [entry(''), entry('12345')] });
    expect(two.length - one.length).toBe(ENTRY_HEADER_BYTES + 5);
    // message-packer.ts budgets 12 bytes per entry.
    expect(ENTRY_HEADER_BYTES).toBeLessThanOrEqual(12);
  });

  it('packet-codec - DATA_PACKET_HEADER_MAX_BYTES bounds the largest data packet header', () => {
    const long = 'n'.repeat(32);
    const ringId = { rep: long, repIncarnation: 1, seq: 1 };
    const bytes = encodeRingPacket({ kind: 'data', ringId, seq: 1, origin: long, entries: [], old: { ringId, seq: 1 } });
    expect(bytes.length).toBe(DATA_PACKET_HEADER_MAX_BYTES);
  });
});

describe('packet-codec - encoder refuses what the format cannot carry', () => {
  const data = DATA_SAMPLES[0] as DataPacket;
  const token = TOKEN_SAMPLES[2] as TokenPacket;
  const commit = COMMIT_SAMPLES[1] as CommitPacket;

  it('packet-codec - names: empty, over 32 bytes, lone surrogate', () => {
    expectEncodeError({ ...data, origin: '' }, /origin/);
    expectEncodeError({ ...data, origin: 'x'.repeat(33) }, /origin/);
    expectEncodeError({ ...data, origin: 'é'.repeat(17) }, /34 bytes/);
    expectEncodeError({ ...data, origin: '\ud800' }, /well-formed/);
    expectEncodeError({ ...data, ringId: { ...data.ringId, rep: '' } }, /ringId\.rep/);
  });

  it('packet-codec - numbers: fractions, NaN, unsafe, below range', () => {
    expectEncodeError({ ...data, seq: 1.5 }, /seq/);
    expectEncodeError({ ...data, seq: Number.NaN }, /seq/);
    expectEncodeError({ ...data, seq: 2 ** 53 }, /seq/);
    expectEncodeError({ ...data, seq: -1 }, /seq/);
    expectEncodeError({ ...token, arus: [0, -2, 0] }, /aru/);
    expectEncodeError({ ...token, installSeq: -2 }, /installSeq/);
    expectEncodeError({ ...token, rtr: [-1] }, /rtr/);
    expectEncodeError({ ...token, backlog: -1 }, /backlog/);
  });

  it('packet-codec - fragments and arrays', () => {
    expectEncodeError({ ...data, entries: [entry('x', { fragIndex: 1, fragCount: 1 })] }, /fragIndex/);
    expectEncodeError({ ...data, entries: [entry('x', { fragIndex: 0, fragCount: 0 })] }, /fragCount/);
    expectEncodeError({ ...data, entries: [entry('x', { fragIndex: 0, fragCount: 65_536 })] }, /fragCount/);
    expectEncodeError({ ...token, recovered: [true] }, /recovered/);
    expectEncodeError({ ...token, rtr: new Array(65_536).fill(1) }, /rtr has 65536/);
    expectEncodeError({ ...commit, incarnations: [1, 2] }, /3 members, 2 incarnations/);
    expectEncodeError({ ...commit, infos: [] }, /0 infos/);
    expectEncodeError({ ...commit, members: [], incarnations: [], infos: [] }, /no members/);
    expectEncodeError({ ...commit, members: ['a', 'a', 'b'] }, /twice/);
    expectEncodeError({ ...commit, rotation: 3 }, /rotation/);
    expectEncodeError({ ...(JOIN_SAMPLES[2] as RingPacket), procSet: ['a', 'a'] }, /procSet/);
    expectEncodeError({ kind: 'bogus' }, /unknown packet kind/);
  });
});
