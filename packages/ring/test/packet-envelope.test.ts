/**
 * The authenticated datagram: round trips, the MAC checked before anything else (any flipped
 * bit, forged MAC or wrong key is RL_RING_AUTH), structural checks of MAC-valid but malformed
 * envelopes, and the status bodies.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RingErrorCode, RingPacketError } from '../src/errors.ts';
import { decodeRingPacket, encodeRingPacket } from '../src/packet-codec.ts';
import {
  decodeStatusReply,
  decodeStatusRequest,
  encodeStatusReply,
  encodeStatusRequest,
  type Envelope,
  ENVELOPE_MIN_BYTES,
  ENVELOPE_OVERHEAD_MAX_BYTES,
  EnvelopeType,
  MAC_BYTES,
  openEnvelope,
  sealEnvelope,
  STATUS_JSON_MAX_BYTES,
} from '../src/packet-envelope.ts';
import { plain, TOKEN_SAMPLES } from './support/packets.ts';
import { caseSeed, createPrng } from './support/prng.ts';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const OTHER_KEY = Buffer.from('0123456789abcdef0123456789abcdeF');

function envelope(overrides: Partial<Envelope> = {}): Envelope {
  return { type: EnvelopeType.RING_PACKET, sender: 'alpha', incarnation: 1_700_000_000_000, counter: 42, body: encodeRingPacket(TOKEN_SAMPLES[2]!), ...overrides };
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof RingPacketError) return error.code;
    throw error;
  }
  return 'ok';
}

/** Hand-built bytes with a valid MAC, for the checks that run after it. */
function signed(parts: Buffer[], key = KEY): Buffer {
  const unsigned = Buffer.concat(parts);
  return Buffer.concat([unsigned, createHmac('sha256', key).update(unsigned).digest()]);
}

function f64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(value);
  return bytes;
}

const MAGIC = Buffer.from('RLR1');

describe('packet-envelope - seal and open', () => {
  it('packet-envelope - a sealed ring packet opens to the same fields and body', () => {
    const sealed = sealEnvelope(envelope(), KEY);
    const opened = openEnvelope(sealed, KEY);
    expect({ ...opened, body: undefined }).toEqual({ ...envelope(), body: undefined });
    expect(decodeRingPacket(opened.body)).toEqual(plain(TOKEN_SAMPLES[2]!));
    expect(opened.body.buffer).toBe(sealed.buffer);
  });

  it('packet-envelope - layout: magic, type, name, incarnation, counter, body, 32-byte MAC', () => {
    const body = Buffer.from([9, 8, 7]);
    const sealed = sealEnvelope(envelope({ sender: 'ab', incarnation: 1, counter: 2, body }), KEY);
    const unsigned = Buffer.concat([MAGIC, Buffer.from([1, 2]), Buffer.from('ab'), f64(1), f64(2), body]);
    expect(sealed.subarray(0, unsigned.length).equals(unsigned)).toBe(true);
    expect(sealed.length).toBe(unsigned.length + MAC_BYTES);
    expect(sealed.subarray(unsigned.length).equals(createHmac('sha256', KEY).update(unsigned).digest())).toBe(true);
  });

  it('packet-envelope - empty body, longest name, every type', () => {
    for (const type of Object.values(EnvelopeType)) {
      const small = sealEnvelope(envelope({ type, sender: 'a', body: Buffer.alloc(0) }), KEY);
      expect(small.length).toBe(ENVELOPE_MIN_BYTES);
      expect(openEnvelope(small, KEY).type).toBe(type);
    }
    const long = sealEnvelope(envelope({ sender: 'n'.repeat(32), body: Buffer.alloc(0) }), KEY);
    expect(long.length).toBe(ENVELOPE_OVERHEAD_MAX_BYTES);
  });

  it('packet-envelope - sealing refuses bad names, numbers and types', () => {
    expect(codeOf(() => sealEnvelope(envelope({ sender: '' }), KEY))).toBe(RingErrorCode.ENCODE_INVALID);
    expect(codeOf(() => sealEnvelope(envelope({ sender: 'x'.repeat(33) }), KEY))).toBe(RingErrorCode.ENCODE_INVALID);
    expect(codeOf(() => sealEnvelope(envelope({ counter: -1 }), KEY))).toBe(RingErrorCode.ENCODE_INVALID);
    expect(codeOf(() => sealEnvelope(envelope({ incarnation: 0.5 }), KEY))).toBe(RingErrorCode.ENCODE_INVALID);
    expect(codeOf(() => sealEnvelope(envelope({ type: 4 as EnvelopeType }), KEY))).toBe(RingErrorCode.ENCODE_INVALID);
  });
});

describe('packet-envelope - authentication', () => {
  const sealed = sealEnvelope(envelope(), KEY);

  it('packet-envelope - every single flipped bit is RL_RING_AUTH', () => {
    for (let at = 0; at < sealed.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const bytes = Buffer.from(sealed);
        bytes[at] = (bytes[at] as number) ^ (1 << bit);
        expect(codeOf(() => openEnvelope(bytes, KEY)), `byte ${at} bit ${bit}`).toBe(RingErrorCode.AUTH);
      }
    }
  });

  it('packet-envelope - wrong key, forged MAC, MAC of another datagram', () => {
    expect(codeOf(() => openEnvelope(sealed, OTHER_KEY))).toBe(RingErrorCode.AUTH);
    expect(codeOf(() => openEnvelope(sealEnvelope(envelope(), OTHER_KEY), KEY))).toBe(RingErrorCode.AUTH);
    const forged = Buffer.from(sealed);
    forged.fill(0xaa, forged.length - MAC_BYTES);
    expect(codeOf(() => openEnvelope(forged, KEY))).toBe(RingErrorCode.AUTH);
    const other = sealEnvelope(envelope({ counter: 43 }), KEY);
    const spliced = Buffer.concat([sealed.subarray(0, sealed.length - MAC_BYTES), other.subarray(other.length - MAC_BYTES)]);
    expect(codeOf(() => openEnvelope(spliced, KEY))).toBe(RingErrorCode.AUTH);
  });

  it('packet-envelope - cut short: TRUNCATED below the minimum, AUTH above it', () => {
    for (let length = 0; length < sealed.length; length++) {
      const expected = length < ENVELOPE_MIN_BYTES ? RingErrorCode.PACKET_TRUNCATED : RingErrorCode.AUTH;
      expect(codeOf(() => openEnvelope(sealed.subarray(0, length), KEY)), `length ${length}`).toBe(expected);
    }
    expect(codeOf(() => openEnvelope(Buffer.concat([sealed, Buffer.from([0])]), KEY))).toBe(RingErrorCode.AUTH);
  });

  it('packet-envelope - 2000 seeded random datagrams are AUTH or TRUNCATED', () => {
    for (let run = 0; run < 2000; run++) {
      const prng = createPrng(caseSeed(run));
      const bytes = prng.bytes(prng.int(200));
      if (run % 2 === 0 && bytes.length >= 4) MAGIC.copy(bytes);
      const code = codeOf(() => openEnvelope(bytes, KEY));
      expect([RingErrorCode.AUTH, RingErrorCode.PACKET_TRUNCATED], `seed ${prng.seed}`).toContain(code);
    }
  });
});

describe('packet-envelope - authenticated but malformed', () => {
  const fields = (type: number, name: Buffer, incarnation = 1, counter = 1): Buffer[] => [Buffer.from([type, name.length]), name, f64(incarnation), f64(counter)];

  it('packet-envelope - bad magic or type is INVALID', () => {
    expect(codeOf(() => openEnvelope(signed([MAGIC, ...fields(1, Buffer.from('a'))]), KEY))).toBe('ok');
    expect(codeOf(() => openEnvelope(signed([Buffer.from('RLR2'), ...fields(1, Buffer.from('a'))]), KEY))).toBe(RingErrorCode.PACKET_INVALID);
    for (const type of [0, 4, 255]) expect(codeOf(() => openEnvelope(signed([MAGIC, ...fields(type, Buffer.from('a'))]), KEY))).toBe(RingErrorCode.PACKET_INVALID);
  });

  it('packet-envelope - bad sender, incarnation or counter is INVALID', () => {
    expect(codeOf(() => openEnvelope(signed([MAGIC, ...fields(1, Buffer.alloc(33, 0x61))]), KEY))).toBe(RingErrorCode.PACKET_INVALID);
    expect(codeOf(() => openEnvelope(signed([MAGIC, ...fields(1, Buffer.from([0xff]))]), KEY))).toBe(RingErrorCode.PACKET_INVALID);
    expect(codeOf(() => openEnvelope(signed([MAGIC, ...fields(1, Buffer.from('a'), -1)]), KEY))).toBe(RingErrorCode.PACKET_INVALID);
    expect(codeOf(() => openEnvelope(signed([MAGIC, ...fields(1, Buffer.from('a'), 1, Number.NaN)]), KEY))).toBe(RingErrorCode.PACKET_INVALID);
    const empty = signed([MAGIC, Buffer.from([1, 0]), Buffer.alloc(17)]);
    expect(codeOf(() => openEnvelope(empty, KEY))).toBe(RingErrorCode.PACKET_INVALID);
  });

  it('packet-envelope - a name longer than the signed bytes is TRUNCATED', () => {
    const short = signed([MAGIC, Buffer.from([1, 30]), Buffer.from('abcdefghijklmnopq')]);
    expect(short.length).toBeGreaterThanOrEqual(ENVELOPE_MIN_BYTES);
    expect(codeOf(() => openEnvelope(short, KEY))).toBe(RingErrorCode.PACKET_TRUNCATED);
  });
});

describe('packet-envelope - status bodies', () => {
  it('packet-envelope - request: u32 nonce, exactly', () => {
    for (const nonce of [0, 1, 0xffff_ffff]) expect(decodeStatusRequest(encodeStatusRequest(nonce))).toBe(nonce);
    expect(codeOf(() => decodeStatusRequest(Buffer.alloc(3)))).toBe(RingErrorCode.PACKET_TRUNCATED);
    expect(codeOf(() => decodeStatusRequest(Buffer.alloc(5)))).toBe(RingErrorCode.PACKET_INVALID);
    expect(codeOf(() => encodeStatusRequest(2 ** 32))).toBe(RingErrorCode.ENCODE_INVALID);
    expect(codeOf(() => encodeStatusRequest(-1))).toBe(RingErrorCode.ENCODE_INVALID);
  });

  it('packet-envelope - reply: nonce and UTF-8 JSON up to 60,000 bytes', () => {
    const json = JSON.stringify({ ring: 'alpha/1/7', members: ['alpha', 'béta'] });
    expect(decodeStatusReply(encodeStatusReply(7, json))).toEqual({ nonce: 7, json });
    expect(decodeStatusReply(encodeStatusReply(7, ''))).toEqual({ nonce: 7, json: '' });
    const largest = 'x'.repeat(STATUS_JSON_MAX_BYTES);
    expect(decodeStatusReply(encodeStatusReply(1, largest)).json).toBe(largest);
    expect(codeOf(() => encodeStatusReply(1, `${largest}x`))).toBe(RingErrorCode.PACKET_OVERSIZE);
    expect(codeOf(() => encodeStatusReply(1, 'é'.repeat(30_001)))).toBe(RingErrorCode.PACKET_OVERSIZE);
    expect(codeOf(() => decodeStatusReply(Buffer.alloc(4 + STATUS_JSON_MAX_BYTES + 1, 0x20)))).toBe(RingErrorCode.PACKET_INVALID);
    expect(codeOf(() => decodeStatusReply(Buffer.from([0, 0, 0, 1, 0xff])))).toBe(RingErrorCode.PACKET_INVALID);
    expect(codeOf(() => decodeStatusReply(Buffer.alloc(2)))).toBe(RingErrorCode.PACKET_TRUNCATED);
  });
});
